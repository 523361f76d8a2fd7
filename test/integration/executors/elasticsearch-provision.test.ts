import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ObjectRef } from '../../../src/executors/kube-apply.js';
import { elasticsearchProvisionExecutor } from '../../../src/kinds/elasticsearch-provision/executor.js';
import {
  adminApi,
  clusters,
  createNamespace,
  executorDeps,
  type Obj,
  paramsOf,
  read,
  recordFor,
  resourceVersions,
  run,
} from './executor-context.js';

const esRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'elasticsearch.k8s.elastic.co/v1',
  kind: 'Elasticsearch',
  metadata: { name, namespace },
});

describe('the elasticsearch.provision executor on a real apiserver with the ECK CRDs', () => {
  const admin = adminApi();
  let deps: ReturnType<typeof executorDeps>;
  let execute: ReturnType<typeof elasticsearchProvisionExecutor>;
  beforeAll(() => {
    deps = executorDeps();
    execute = elasticsearchProvisionExecutor(deps);
  });
  afterAll(async () => {
    await deps.close();
  });

  it('submits a zone-aware cluster on the tier storage class and reports that no health is known yet', async () => {
    const ns = await createNamespace(admin, 'team-data-search');
    const params = paramsOf('elasticsearch.provision', {
      name: 'search',
      cluster: 'sta-local-a',
      namespace: ns,
      version: '8.15.3',
      nodes: '3',
      storage: '200Gi',
      tier: 'warm',
      cpu: '2',
      memory: '8Gi',
    });
    const record = recordFor('elasticsearch.provision', params, { cluster: clusters.stateful });
    const result = await run(execute, record, params);
    expect(result.summary).toBe(
      `Elasticsearch 8.15.3 'search' submitted in ${ns} on sta-local-a; health pending (no operator reported yet)`,
    );
    expect(result.details[0]).toBe(
      '3 warm nodes of cpu 2, memory 8Gi and 200Gi of ssd-standard each, spread over zones',
    );

    const es = (await read(admin, esRef(ns, 'search'))) as Obj;
    expect(es.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'n3r',
      'n3r.io/cluster-type': 'stateful',
      'n3r.io/tier': 'warm',
    });
    expect(es.metadata.annotations).toMatchObject({
      'n3r.io/request-id': record.id,
      'eck.k8s.elastic.co/downward-node-labels': 'topology.kubernetes.io/zone',
    });
    expect(es.spec.version).toBe('8.15.3');
    const [nodeSet] = es.spec.nodeSets;
    expect(nodeSet).toMatchObject({
      name: 'warm',
      count: 3,
      config: {
        'node.roles': ['master', 'data_warm', 'data_content', 'ingest'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Elasticsearch expands ${ZONE} from the pod's environment
        'node.attr.zone': '${ZONE}',
        'cluster.routing.allocation.awareness.attributes': 'k8s_node_name,zone',
      },
    });
    expect(nodeSet.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'elasticsearch-data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'ssd-standard',
          resources: { requests: { storage: '200Gi' } },
        },
      },
    ]);
    const pod = nodeSet.podTemplate.spec;
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '2', memory: '8Gi' },
      limits: { cpu: '2', memory: '8Gi' },
    });
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: {
          matchLabels: {
            'elasticsearch.k8s.elastic.co/cluster-name': 'search',
            'elasticsearch.k8s.elastic.co/statefulset-name': 'search-es-warm',
          },
        },
      },
    ]);

    // Running it again changes nothing.
    const before = await resourceVersions(admin, [esRef(ns, 'search')]);
    const again = await run(execute, record, params);
    expect(again.details).toContain(`• Elasticsearch ${ns}/search (unchanged)`);
    expect(await resourceVersions(admin, [esRef(ns, 'search')])).toEqual(before);
  });

  it('reports the health the operator gives once it does', async () => {
    const ns = await createNamespace(admin, 'team-data-search');
    const params = paramsOf('elasticsearch.provision', {
      name: 'logs',
      cluster: 'sta-local-a',
      namespace: ns,
      version: '8.16.1',
    });
    const record = recordFor('elasticsearch.provision', params, { cluster: clusters.stateful });
    await run(execute, record, params);
    const live = (await read(admin, esRef(ns, 'logs'))) as Obj;
    expect(live.spec.nodeSets[0]).toMatchObject({ name: 'hot', count: 3 });
    expect(live.spec.nodeSets[0].volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'local-nvme',
      resources: { requests: { storage: '100Gi' } },
    });
    // Standing in for ECK, which reports through the status subresource.
    const kc = new KubeConfig();
    kc.loadFromFile(inject('stack').adminKubeconfig);
    await kc.makeApiClient(CustomObjectsApi).replaceNamespacedCustomObjectStatus({
      group: 'elasticsearch.k8s.elastic.co',
      version: 'v1',
      namespace: ns,
      plural: 'elasticsearches',
      name: 'logs',
      body: { ...live, status: { health: 'green', phase: 'Ready' } },
    });
    const again = await run(execute, record, params);
    expect(again.summary).toBe(`Elasticsearch 8.16.1 'logs' submitted in ${ns} on sta-local-a; health green`);
  });

  it('on a dry run validates against the CRD and creates nothing', async () => {
    const ns = await createNamespace(admin, 'team-data-search');
    const params = paramsOf('elasticsearch.provision', {
      name: 'dry',
      cluster: 'sta-local-a',
      namespace: ns,
      version: '8.15.3',
    });
    const result = await run(
      execute,
      recordFor('elasticsearch.provision', params, { cluster: clusters.stateful }),
      params,
      {
        dryRun: true,
      },
    );
    expect(result.summary).toBe(`Elasticsearch 8.15.3 'dry' would be provisioned in ${ns} on sta-local-a`);
    expect(await admin.get(esRef(ns, 'dry'))).toBeNull();
  });
});

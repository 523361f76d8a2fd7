import type { KindExecutor } from '../../core/ports.js';
import type { RequestRecord } from '../../core/request.js';
import type { ExecutorDeps } from '../../executors/executor-deps.js';
import { applyAll, getObject, type Manifest } from '../../executors/kube-apply.js';
import { managedMetadata } from '../../executors/managed-metadata.js';
import { type ElasticsearchProvisionParams, storageClassOf } from './params.js';

type EsParams = ElasticsearchProvisionParams;

const zoneKey = 'topology.kubernetes.io/zone';

/** The roles of a single-tier cluster: every node is master-eligible and holds the tier's data. */
const rolesByTier = {
  hot: ['master', 'data_hot', 'data_content', 'ingest'],
  warm: ['master', 'data_warm', 'data_content', 'ingest'],
  cold: ['master', 'data_cold', 'data_content', 'ingest'],
} as const;

/**
 * An ECK Elasticsearch of one nodeSet named after its tier, zone-aware the way ECK documents it: ECK copies
 * the node's zone label onto each pod (`downward-node-labels`), Elasticsearch learns it as `node.attr.zone`
 * and spreads shard copies over zones, and the scheduler spreads the pods evenly over zones.
 */
export function elasticsearchObject(record: RequestRecord, p: EsParams): Manifest {
  const meta = managedMetadata(record, { 'n3r.io/tier': p.tier });
  const nodeSet = p.tier;
  return {
    apiVersion: 'elasticsearch.k8s.elastic.co/v1',
    kind: 'Elasticsearch',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: meta.labels,
      annotations: { ...meta.annotations, 'eck.k8s.elastic.co/downward-node-labels': zoneKey },
    },
    spec: {
      version: p.version,
      nodeSets: [
        {
          name: nodeSet,
          count: p.nodes,
          config: {
            'node.roles': rolesByTier[p.tier],
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Elasticsearch expands ${ZONE} from the pod's environment
            'node.attr.zone': '${ZONE}',
            'cluster.routing.allocation.awareness.attributes': 'k8s_node_name,zone',
          },
          podTemplate: {
            metadata: { labels: { 'n3r.io/tier': p.tier } },
            spec: {
              containers: [
                {
                  name: 'elasticsearch',
                  resources: {
                    requests: { cpu: p.cpu.text, memory: p.memory.text },
                    limits: { cpu: p.cpu.text, memory: p.memory.text },
                  },
                  env: [
                    {
                      name: 'ZONE',
                      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${zoneKey}']` } },
                    },
                  ],
                },
              ],
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: zoneKey,
                  whenUnsatisfiable: 'DoNotSchedule',
                  labelSelector: {
                    matchLabels: {
                      'elasticsearch.k8s.elastic.co/cluster-name': p.name,
                      'elasticsearch.k8s.elastic.co/statefulset-name': `${p.name}-es-${nodeSet}`,
                    },
                  },
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              // ECK mounts the claim of this name as the data directory.
              metadata: { name: 'elasticsearch-data' },
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: storageClassOf(p),
                resources: { requests: { storage: p.storage.text } },
              },
            },
          ],
        },
      ],
    },
  };
}

type Elasticsearch = Manifest & { status?: { health?: string; phase?: string } };

export function elasticsearchProvisionExecutor(deps: ExecutorDeps): KindExecutor<EsParams> {
  return async ({ record, params, dryRun, log }) => {
    const api = deps.kube.for(record.cluster.name);
    const object = elasticsearchObject(record, params);
    const applied = await applyAll(api, [object], { dryRun, log, takeOver: params['take-over'] === 'yes' });
    const where = `${params.namespace} on ${record.cluster.name}`;
    const shape = `${params.nodes} ${params.tier} nodes of cpu ${params.cpu.text}, memory ${params.memory.text} and ${params.storage.text} of ${storageClassOf(params)} each, spread over zones`;
    if (dryRun) {
      return {
        summary: `Elasticsearch ${params.version} '${params.name}' would be provisioned in ${where}`,
        details: [shape, ...applied.map((n) => `• ${n}`)],
      };
    }
    // The operator reports health in status; nothing waits for it, since a cluster takes minutes to form.
    const live = await getObject<Elasticsearch>(api, {
      apiVersion: object.apiVersion ?? '',
      kind: 'Elasticsearch',
      metadata: { name: params.name, namespace: params.namespace },
    });
    const health = live?.status?.health;
    return {
      summary: `Elasticsearch ${params.version} '${params.name}' submitted in ${where}; ${
        health ? `health ${health}` : 'health pending (no operator reported yet)'
      }`,
      details: [shape, ...applied.map((n) => `• ${n}`)],
    };
  };
}

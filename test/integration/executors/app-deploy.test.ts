import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorOptions } from '../../../src/executors/executor-deps.js';
import type { ObjectRef } from '../../../src/executors/kube-apply.js';
import type { RawObjectApi } from '../../../src/executors/kube-object-api.js';
import { managedMetadata } from '../../../src/executors/managed-metadata.js';
import { appNameLabel, appObjectRefs, appObjects } from '../../../src/kinds/app-deploy/app-manifests.js';
import { appDeployExecutor, revisionAnnotation } from '../../../src/kinds/app-deploy/executor.js';
import { ownershipProblems } from '../../support/managed-fields.js';
import {
  adminApi,
  createNamespace,
  executorDeps,
  type Obj,
  paramsOf,
  read,
  recordFor,
  resourceVersions,
  run,
} from './executor-context.js';

const gateways = {
  public: { name: 'shared-public', namespace: 'gateways' },
  internal: { name: 'shared-internal', namespace: 'gateways' },
};

/**
 * How a deploy that never becomes ready is made here. kwok's pod-ready stage (kwok v0.8.0,
 * kustomize/stage/pod/fast/pod-ready.yaml) marks every pod it sees bound to its node Running and Ready,
 * and its status template also sets every `spec.readinessGates[].conditionType` to True, so a readiness
 * gate nobody sets does not keep a pod unready here (checked: such a pod was Ready at once), and probes
 * are never run. What kwok never makes ready is a pod the scheduler never binds: the fake node offers
 * 1k CPUs (kwok's node-initialize stage), so pods asking for 2000 stay Pending, Unschedulable
 * ("Insufficient cpu"), and their Deployment never becomes available, as with a real image that
 * never passes its probes.
 */
const neverReady = { cpu: '2000' };

/** Waits until nothing changes the objects any more (controllers write status after a rollout). */
async function settled(api: RawObjectApi, refs: readonly ObjectRef[]) {
  let before = await resourceVersions(api, refs);
  for (let i = 0; i < 30; i++) {
    await sleep(1500);
    const hpa = await read(api, refs[2] as ObjectRef);
    const now = await resourceVersions(api, refs);
    if (JSON.stringify(now) === JSON.stringify(before) && hpa?.status?.conditions) return now;
    before = now;
  }
  throw new Error('the objects kept changing');
}

async function podsOf(api: RawObjectApi, namespace: string, app: string) {
  const pods = await api.list(
    'v1',
    'Pod',
    namespace,
    undefined,
    undefined,
    undefined,
    undefined,
    `app.kubernetes.io/name=${app}`,
  );
  return pods.items as Obj[];
}

describe('the app.deploy executor on a real apiserver with kwok nodes', () => {
  const admin = adminApi();
  let deps: ReturnType<typeof executorDeps>;
  let execute: ReturnType<typeof appDeployExecutor>;
  beforeAll(() => {
    deps = executorDeps({
      gateways,
      clusterIssuer: 'test-issuer',
      rolloutTimeoutMs: 30_000,
      rolloutPollMs: 250,
    });
    execute = appDeployExecutor(deps);
  });
  afterAll(async () => {
    await deps.close();
  });

  // Pods that do not meet the restricted Pod Security Standard would be refused in these namespaces.
  const namespace = () =>
    createNamespace(admin, 'team-a-app', { 'pod-security.kubernetes.io/enforce': 'restricted' });

  it('rolls a good image out to running pods, with its Service, autoscaler, budget, route, certificate and rate limit', async () => {
    const ns = await namespace();
    const params = paramsOf('app.deploy', {
      app: 'web',
      cluster: 'pub-local-a',
      namespace: ns,
      image: 'nginx:1.27',
      port: '8080',
      replicas: '2',
      'max-replicas': '4',
      cpu: '250m',
      memory: '256Mi',
      host: 'web.team-a.apps.n3r.example',
      'rate-limit': '100/s',
    });
    const record = recordFor('app.deploy', params);
    const progress: string[] = [];
    const result = await run(execute, record, params, { progress });

    expect(result.summary).toBe(
      `web (docker.io/library/nginx:1.27) deployed to ${ns} on pub-local-a: 2/2 replicas available, https://web.team-a.apps.n3r.example (internal)`,
    );
    expect(progress[0]).toBe('rolling out web (docker.io/library/nginx:1.27)');
    expect(progress.at(-1)).toBe('web: 2/2 replicas available');
    const pods = await podsOf(admin, ns, 'web');
    expect(pods.map((p) => p.status.phase)).toEqual(['Running', 'Running']);
    expect(
      pods.every((p) => p.status.conditions.some((c: Obj) => c.type === 'Ready' && c.status === 'True')),
    ).toBe(true);

    const at = (apiVersion: string, kind: string, name = 'web') =>
      read(admin, { apiVersion, kind, metadata: { name, namespace: ns } }) as Promise<Obj>;
    const deployment = await at('apps/v1', 'Deployment');
    expect(deployment.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'n3r',
      'app.kubernetes.io/name': 'web',
    });
    expect(deployment.metadata.annotations['n3r.io/request-id']).toBe(record.id);
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 0 });
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const [container] = pod.containers;
    expect(container.image).toBe('docker.io/library/nginx:1.27');
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '250m', memory: '256Mi' },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(container[probe].tcpSocket).toEqual({ port: 'http' });
    }
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);

    const service = await at('v1', 'Service');
    expect(service.spec.ports).toMatchObject([{ port: 80, targetPort: 'http' }]);
    const hpa = await at('autoscaling/v2', 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 4,
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
    });
    const pdb = await at('policy/v1', 'PodDisruptionBudget');
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });

    const route = await at('gateway.networking.k8s.io/v1', 'HTTPRoute');
    expect(route.spec.hostnames).toEqual(['web.team-a.apps.n3r.example']);
    expect(route.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'ListenerSet', name: 'web', sectionName: 'https' },
    ]);
    expect(route.spec.rules[0].backendRefs).toMatchObject([{ name: 'web', port: 80 }]);
    const listeners = await at('gateway.networking.k8s.io/v1', 'ListenerSet');
    expect(listeners.spec.parentRef).toMatchObject({
      kind: 'Gateway',
      name: 'shared-internal',
      namespace: 'gateways',
    });
    expect(listeners.spec.listeners[0]).toMatchObject({
      hostname: 'web.team-a.apps.n3r.example',
      port: 443,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'web-tls' }] },
    });
    const certificate = await at('cert-manager.io/v1', 'Certificate');
    expect(certificate.spec).toMatchObject({
      secretName: 'web-tls',
      dnsNames: ['web.team-a.apps.n3r.example'],
      issuerRef: { kind: 'ClusterIssuer', name: 'test-issuer' },
    });
    const limit = await at('gateway.envoyproxy.io/v1alpha1', 'BackendTrafficPolicy');
    expect(limit.spec.rateLimit).toEqual({
      type: 'Local',
      local: { rules: [{ limit: { requests: 100, unit: 'Second' } }] },
    });
    const fromGateway = await at('networking.k8s.io/v1', 'NetworkPolicy', 'web-from-gateway');
    expect(fromGateway.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    // n3r holds exactly the fields it applies on each object (the manifests as the executor builds them; the
    // values of labels and annotations do not change which fields they are), and no other manager any of them.
    const meta = managedMetadata(record, { [appNameLabel]: 'web' });
    const manifests = appObjects(
      params,
      { labels: meta.labels, annotations: { ...meta.annotations, [revisionAnnotation]: '' } },
      2,
      executorOptions(deps),
    );
    const live = [deployment, service, hpa, pdb, route, listeners, certificate, limit, fromGateway];
    const applied = [...manifests.workload, ...manifests.exposure];
    expect(applied.map((m) => `${m.kind}/${m.metadata?.name}`).sort()).toEqual(
      live.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    );
    for (const object of live) {
      expect(object.metadata.annotations['n3r.io/request-id']).toBe(record.id);
      const manifest = applied.find(
        (m) => m.kind === object.kind && m.metadata?.name === object.metadata.name,
      );
      expect(ownershipProblems(object, manifest as Obj), `${object.kind} ${object.metadata.name}`).toEqual(
        [],
      );
    }

    // A second run of the same request changes nothing.
    const refs = [...appObjectRefs(ns, 'web').workload, ...appObjectRefs(ns, 'web').exposure];
    const before = await settled(admin, refs);
    expect(before.every((v) => v !== undefined)).toBe(true);
    const again = await run(execute, record, params);
    expect(again.summary).toBe(result.summary);
    expect(await resourceVersions(admin, refs)).toEqual(before);
  });

  it('on a dry run says what it would create and creates nothing', async () => {
    const ns = await namespace();
    const params = paramsOf('app.deploy', {
      app: 'web',
      cluster: 'pub-local-a',
      namespace: ns,
      image: 'ghcr.io/team-a/web:1.4.2',
      host: 'web.team-a.apps.n3r.example',
      public: 'yes',
      'rate-limit': '600/m',
    });
    const result = await run(execute, recordFor('app.deploy', params), params, { dryRun: true });
    expect(result.summary).toBe(`web (ghcr.io/team-a/web:1.4.2) would be deployed to ${ns} on pub-local-a`);
    expect(result.details).toContain(`• Deployment ${ns}/web (new)`);
    expect(result.details).toContain(`• BackendTrafficPolicy ${ns}/web (new)`);
    const refs = [...appObjectRefs(ns, 'web').workload, ...appObjectRefs(ns, 'web').exposure];
    expect(await resourceVersions(admin, refs)).toEqual(refs.map(() => undefined));
  });

  it('removes a first deploy whose pods never become ready, and says why', async () => {
    const ns = await namespace();
    const params = paramsOf('app.deploy', {
      app: 'stuck',
      cluster: 'pub-local-a',
      namespace: ns,
      image: 'nginx:1.27',
      replicas: '1',
      timeout: '4s',
      host: 'stuck.team-a.apps.n3r.example',
      ...neverReady,
    });
    const progress: string[] = [];
    const failure = await run(execute, recordFor('app.deploy', params), params, { progress }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false });
    const text = (failure as { userText: string }).userText;
    expect(text).toContain(
      'stuck (docker.io/library/nginx:1.27) did not become available within 4s (0/1 replicas available',
    );
    expect(text).toContain('Insufficient cpu');
    expect(text).toContain("It was the app's first deploy, so it was removed");
    expect(progress).toContain('stuck: 0/1 replicas available');
    const refs = [...appObjectRefs(ns, 'stuck').workload, ...appObjectRefs(ns, 'stuck').exposure];
    expect(await resourceVersions(admin, refs)).toEqual(refs.map(() => undefined));
  });

  it('rolls a second deploy whose pods never become ready back to the previous image', async () => {
    const ns = await namespace();
    const raw = { app: 'api', cluster: 'pub-local-a', namespace: ns, replicas: '1' };
    const good = paramsOf('app.deploy', { ...raw, image: 'nginx:1.27' });
    const goodRecord = recordFor('app.deploy', good);
    await run(execute, goodRecord, good);
    const [goodPod] = await podsOf(admin, ns, 'api');

    const bad = paramsOf('app.deploy', { ...raw, image: 'nginx:1.28', timeout: '4s', ...neverReady });
    const progress: string[] = [];
    const failure = await run(execute, recordFor('app.deploy', bad), bad, { progress }).catch(
      (e: unknown) => e,
    );
    expect((failure as { userText: string }).userText).toContain(
      'Rolled back to the previous version (docker.io/library/nginx:1.27): it is available again.',
    );
    expect(progress).toContain('rolling back api to docker.io/library/nginx:1.27');

    const deployment = (await read(admin, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: ns },
    })) as Obj;
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe('docker.io/library/nginx:1.27');
    expect(container.resources.requests.cpu).toBe('500m');
    expect(deployment.metadata.annotations['n3r.io/request-id']).toBe(goodRecord.id);
    expect(deployment.status).toMatchObject({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    // The pod that served all along still does; the unschedulable one is gone.
    await expect
      .poll(async () => (await podsOf(admin, ns, 'api')).map((p) => p.metadata.name), { timeout: 10_000 })
      .toEqual([goodPod?.metadata.name]);
  });

  it('attaches a plain-HTTP route to the Gateway itself, and removes route objects no longer asked for', async () => {
    const ns = await namespace();
    const raw = { app: 'docs', cluster: 'pub-local-a', namespace: ns, image: 'nginx:1.27', replicas: '1' };
    const routed = paramsOf('app.deploy', {
      ...raw,
      host: 'docs.team-a.apps.n3r.example',
      tls: 'no',
      public: 'yes',
    });
    const first = await run(execute, recordFor('app.deploy', routed), routed);
    expect(first.summary).toContain('http://docs.team-a.apps.n3r.example (public)');
    const route = (await read(admin, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'docs', namespace: ns },
    })) as Obj;
    expect(route.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared-public', namespace: 'gateways' },
    ]);

    const unrouted = paramsOf('app.deploy', raw);
    const second = await run(execute, recordFor('app.deploy', unrouted), unrouted);
    expect(second.details).toContain(`• HTTPRoute ${ns}/docs removed (no longer asked for)`);
    expect(second.details).toContain(`• NetworkPolicy ${ns}/docs-from-gateway removed (no longer asked for)`);
    expect(await resourceVersions(admin, appObjectRefs(ns, 'docs').exposure)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('refuses to take over a deployment that n3r did not make', async () => {
    const ns = await namespace();
    await admin.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'legacy', namespace: ns },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'legacy' } },
          template: {
            metadata: { labels: { app: 'legacy' } },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
        },
      },
      { fieldManager: 'someone' },
    );
    const params = paramsOf('app.deploy', {
      app: 'legacy',
      cluster: 'pub-local-a',
      namespace: ns,
      image: 'nginx:1.27',
    });
    await expect(run(execute, recordFor('app.deploy', params), params)).rejects.toMatchObject({
      code: 'CONFLICT',
      userText: expect.stringContaining('was not deployed by n3r; nothing was changed'),
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/core/request.js';
import {
  EgressReconciler,
  type EgressReports,
} from '../../../src/kinds/namespace-create/egress-reconciler.js';
import { namespaceCreateExecutor } from '../../../src/kinds/namespace-create/executor.js';
import { EgressIpAllocator } from '../../../src/store/egress-ip-allocator.js';
import { RedisRequestStore } from '../../../src/store/redis-request-store.js';
import { eventually, uniqueSuffix } from '../../support/harness.js';
import { adminApi, executorDeps, log, paramsOf, recordFor, run } from './executor-context.js';

/**
 * The egress IPs in Redis against a real apiserver. The cluster gets a pool of its own (a random /29 of
 * 100.64.0.0/10) so namespaces other tests made on the shared apiserver are outside it.
 */
describe('the egress IP reconciliation', () => {
  const admin = adminApi();
  const cluster = 'pub-local-a';
  let deps: ReturnType<typeof executorDeps>;
  let pool: string;
  let allocator: EgressIpAllocator;
  let store: RedisRequestStore;
  const reported = { released: [] as number[], leaked: [] as number[], duplicates: [] as number[] };
  const reports: EgressReports = {
    egressIpsReleased: (c, n) => c === cluster && reported.released.push(n),
    egressIpsLeaked: (c, n) => c === cluster && reported.leaked.push(n),
    egressIpDuplicates: (c, n) => c === cluster && reported.duplicates.push(n),
  };
  const reconciler = (releaseGraceMs: number) =>
    new EgressReconciler(
      { kube: deps.kube, registry: deps.registry, allocator, store, log, reports },
      { releaseGraceMs },
    );

  beforeAll(() => {
    deps = executorDeps();
    pool = `100.${64 + Math.floor(Math.random() * 64)}.${Math.floor(Math.random() * 256)}.${8 * Math.floor(Math.random() * 32)}/29`;
    deps.registry = {
      ...deps.registry,
      clusters: deps.registry.clusters.map((c) =>
        c.name === cluster ? { ...c, natGateway: { egressPools: [pool] } } : c,
      ),
    };
    allocator = new EgressIpAllocator(deps.redis, deps.prefix, () => [pool]);
    store = new RedisRequestStore(deps.redis, deps.prefix);
  });
  afterAll(async () => {
    await deps.close();
  });

  /** A namespace made through the executor, its request stored as the bot would. */
  async function created(): Promise<{ name: string; record: RequestRecord; ip: string }> {
    const name = `team-a-rc-${uniqueSuffix()}`;
    const params = paramsOf('namespace.create', { name, cluster, team: 'team-a' });
    const record = recordFor('namespace.create', params);
    await store.create(record, { event: 'stored', actor: record.requester.slackId });
    await run(namespaceCreateExecutor(deps), record, params);
    const ip = (await allocator.lookup(cluster, name)) ?? '';
    expect(ip).not.toBe('');
    return { name, record, ip };
  }

  const namespaceRef = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const policyRef = (name: string) => ({
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumEgressGatewayPolicy',
    metadata: { name: `n3r-egress-${name}` },
  });

  /** An admin deletes the namespace with kubectl; the namespace controller finishes it. */
  async function deletedByAdmin(name: string): Promise<void> {
    await admin.delete(namespaceRef(name));
    await eventually(
      'the namespace gone',
      async () => (await admin.get(namespaceRef(name))) === null,
      60_000,
    );
  }

  it('gives the address of a namespace an admin deleted back to the pool, once it is past the grace, and the next namespace gets it', {
    timeout: 120_000,
  }, async () => {
    const gone = await created();
    const kept = await created();
    await deletedByAdmin(gone.name);

    // Within the grace (a namespace being created has its address before it exists): nothing is released.
    expect((await reconciler(600_000).reconcileCluster(cluster)).released).toEqual([]);
    expect(await allocator.lookup(cluster, gone.name)).toBe(gone.ip);

    const result = await reconciler(0).reconcileCluster(cluster);
    expect(result).toEqual({ released: [gone.ip], leaked: [], duplicates: [] });
    expect(reported.released.at(-1)).toBe(1);
    expect(await allocator.lookup(cluster, gone.name)).toBeNull();
    expect(await allocator.lookup(cluster, kept.name)).toBe(kept.ip);
    // Its cluster-scoped egress policy went with it; the other namespace's stays.
    expect(await admin.get(policyRef(gone.name))).toBeNull();
    expect(await admin.get(policyRef(kept.name))).not.toBeNull();
    const trail = await store.auditTrail(gone.record.id);
    expect(trail.at(-1)).toMatchObject({
      event: 'egress-ip-released',
      actor: 'n3r',
      detail: { cluster, namespace: gone.name, egressIp: gone.ip, why: 'namespace gone' },
    });

    const next = await created();
    expect(next.ip).toBe(gone.ip);
    // Nothing more to do on the next pass.
    expect(await reconciler(0).reconcileCluster(cluster)).toEqual({
      released: [],
      leaked: [],
      duplicates: [],
    });
  });

  it('records again an address Redis lost, so it is not handed out twice, and reports it', {
    timeout: 120_000,
  }, async () => {
    const { name, ip, record } = await created();
    // Redis lost the allocation (a failover without persistence, an operator's cleanup).
    await allocator.release(cluster, name);
    expect(await allocator.lookup(cluster, name)).toBeNull();

    const result = await reconciler(0).reconcileCluster(cluster);
    expect(result.leaked).toEqual([ip]);
    expect(reported.leaked.at(-1)).toBe(1);
    expect(await allocator.lookup(cluster, name)).toBe(ip);
    expect((await allocator.allocationList(cluster)).find((a) => a.ip === ip)).toMatchObject({
      namespace: name,
      requestId: record.id,
    });
    const other = await created();
    expect(other.ip).not.toBe(ip);
    expect((await reconciler(0).reconcileCluster(cluster)).leaked).toEqual([]);
  });

  it('reports loudly two namespaces on one address, and hands that address to no third', {
    timeout: 120_000,
  }, async () => {
    const { name, ip } = await created();
    // Someone copies the annotation onto a namespace of their own.
    const copy = `team-a-copy-${uniqueSuffix()}`;
    await admin.apply(
      { ...namespaceRef(copy), metadata: { name: copy, annotations: { 'n3r.io/egress-ip': ip } } },
      { fieldManager: 'test' },
    );
    try {
      const result = await reconciler(0).reconcileCluster(cluster);
      expect(result.duplicates).toEqual([ip]);
      expect(reported.duplicates.at(-1)).toBe(1);
      expect(await allocator.lookup(cluster, name)).toBe(ip);
      expect(await allocator.lookup(cluster, copy)).toBeNull();
    } finally {
      await admin.delete(namespaceRef(copy));
    }
  });
});

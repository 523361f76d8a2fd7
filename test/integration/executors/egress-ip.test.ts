import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { executorOptions } from '../../../src/executors/executor-deps.js';
import {
  egressGatewayPolicy,
  namespaceCreateExecutor,
} from '../../../src/kinds/namespace-create/executor.js';
import { EgressIpAllocator, ipv4, poolRange } from '../../../src/store/egress-ip-allocator.js';
import { uniqueSuffix } from '../../support/harness.js';
import { ownershipProblems } from '../../support/managed-fields.js';
import { adminApi, executorDeps, type Obj, paramsOf, read, recordFor, run } from './executor-context.js';

describe('the pool of NAT egress IPs', () => {
  it('hands out every address but the network and broadcast ones', () => {
    const range = poolRange('203.0.113.0/28');
    expect([ipv4(range.first), ipv4(range.last)]).toEqual(['203.0.113.1', '203.0.113.14']);
    expect(poolRange('203.0.113.37/30')).toEqual(poolRange('203.0.113.36/30'));
    const single = poolRange('198.51.100.7/32');
    expect([ipv4(single.first), ipv4(single.last)]).toEqual(['198.51.100.7', '198.51.100.7']);
    expect(() => poolRange('203.0.113.0')).toThrow('not an IPv4 CIDR');
    expect(() => poolRange('203.0.113.256/28')).toThrow('not an IPv4 CIDR');
  });
});

describe('the egress IP allocator on a real Redis', () => {
  const connections: Redis[] = [];
  const prefix = () => `t-${uniqueSuffix()}`;
  const connect = () => {
    const redis = new Redis(inject('stack').redisUrl);
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('gives 20 namespaces allocating at once 20 distinct addresses of the pool', async () => {
    const p = prefix();
    // Four workers, each with its own connection, as four worker processes would.
    const workers = Array.from({ length: 4 }, () => new EgressIpAllocator(connect(), p));
    const namespaces = Array.from({ length: 20 }, (_, i) => `team-a-ns-${i}`);
    const ips = await Promise.all(
      namespaces.map((ns, i) =>
        (workers[i % workers.length] as EgressIpAllocator).allocate('c1', '10.20.0.0/27', ns),
      ),
    );
    expect(ips.every((ip) => ip !== null && /^10\.20\.0\.([1-9]|[12]\d|30)$/.test(ip))).toBe(true);
    expect(new Set(ips).size).toBe(20);
    const recorded = await (workers[0] as EgressIpAllocator).allocations('c1');
    expect(Object.keys(recorded).sort()).toEqual([...(ips as string[])].sort());
    expect(namespaces.map((ns, i) => recorded[ips[i] as string] === ns).every(Boolean)).toBe(true);
  });

  it('gives a namespace that asks again the address it already has, from any worker', async () => {
    const p = prefix();
    const first = new EgressIpAllocator(connect(), p);
    const ip = await first.allocate('c1', '10.20.0.0/29', 'team-a-web');
    await first.allocate('c1', '10.20.0.0/29', 'team-a-api');
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        new EgressIpAllocator(connect(), p).allocate('c1', '10.20.0.0/29', 'team-a-web'),
      ),
    );
    expect(again).toEqual(Array(5).fill(ip));
    expect(await first.lookup('c1', 'team-a-web')).toBe(ip);
    expect(await first.usage('c1', '10.20.0.0/29')).toEqual({ size: 6, used: 2 });
  });

  it('keeps clusters apart and answers null, allocating nothing, when the pool is exhausted', async () => {
    const allocator = new EgressIpAllocator(connect(), prefix());
    expect(await allocator.allocate('c1', '10.20.0.0/30', 'a')).toBe('10.20.0.1');
    expect(await allocator.allocate('c1', '10.20.0.0/30', 'b')).toBe('10.20.0.2');
    expect(await allocator.peek('c1', '10.20.0.0/30', 'c')).toBeNull();
    expect(await allocator.allocate('c1', '10.20.0.0/30', 'c')).toBeNull();
    expect(await allocator.lookup('c1', 'c')).toBeNull();
    expect(await allocator.allocate('c2', '10.20.0.0/30', 'c')).toBe('10.20.0.1');
    // A freed address goes to the next namespace that needs one.
    expect(await allocator.release('c1', 'a')).toBe('10.20.0.1');
    expect(await allocator.release('c1', 'a')).toBeNull();
    expect(await allocator.allocate('c1', '10.20.0.0/30', 'c')).toBe('10.20.0.1');
  });
});

describe('namespace.create binds a fixed egress IP from the cluster NAT pool', () => {
  const admin = adminApi();
  let deps: ReturnType<typeof executorDeps>;
  beforeAll(() => {
    deps = executorDeps({ egressGatewayNodeLabels: { 'n3r.io/egress-gateway': 'true' } });
  });
  afterAll(async () => {
    await deps.close();
  });

  it('allocates an address of the pool, binds it with a CiliumEgressGatewayPolicy and tells the requester', async () => {
    const name = `team-a-nat-${uniqueSuffix()}`;
    const params = paramsOf('namespace.create', { name, cluster: 'pub-local-a', team: 'team-a' });
    const record = recordFor('namespace.create', params);
    const result = await run(namespaceCreateExecutor(deps), record, params);

    const ip = await new EgressIpAllocator(deps.redis, deps.prefix).lookup('pub-local-a', name);
    expect(ip).toMatch(/^203\.0\.113\.([1-9]|1[0-4])$/);
    expect(result.summary).toContain(`egress IP ${ip}`);
    expect(result.details.join('\n')).toContain('legacy servers can whitelist it');
    const ns = (await read(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) as Obj;
    expect(ns.metadata.annotations['n3r.io/egress-ip']).toBe(ip);
    const policy = (await read(admin, {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumEgressGatewayPolicy',
      metadata: { name: `n3r-egress-${name}` },
    })) as Obj;
    expect(policy.metadata.labels['app.kubernetes.io/managed-by']).toBe('n3r');
    expect(policy.metadata.annotations['n3r.io/request-id']).toBe(record.id);
    expect(
      ownershipProblems(policy, egressGatewayPolicy(record, name, ip ?? '', executorOptions(deps))),
    ).toEqual([]);
    expect(policy.spec).toEqual({
      selectors: [{ podSelector: { matchLabels: { 'io.kubernetes.pod.namespace': name } } }],
      destinationCIDRs: ['0.0.0.0/0'],
      excludedCIDRs: ['10.96.0.0/12', '10.244.0.0/16'],
      egressGateway: { nodeSelector: { matchLabels: { 'n3r.io/egress-gateway': 'true' } }, egressIP: ip },
      egressGateways: [],
    });
  });

  it('gives a retried request the address its first attempt took', async () => {
    const name = `team-a-retry-${uniqueSuffix()}`;
    const params = paramsOf('namespace.create', { name, cluster: 'pub-local-a', team: 'team-a' });
    const record = recordFor('namespace.create', params);
    const first = await run(namespaceCreateExecutor(deps), record, params);
    const second = await run(namespaceCreateExecutor(deps), record, params);
    expect(second.summary).toBe(first.summary);
  });

  it('on a dry run names the next free address and allocates nothing', async () => {
    const name = `team-a-natdry-${uniqueSuffix()}`;
    const params = paramsOf('namespace.create', { name, cluster: 'pub-local-a', team: 'team-a' });
    const result = await run(namespaceCreateExecutor(deps), recordFor('namespace.create', params), params, {
      dryRun: true,
    });
    expect(result.summary).toMatch(/would be created .* egress IP 203\.0\.113\.\d+$/);
    expect(result.details.join('\n')).toContain('CiliumEgressGatewayPolicy n3r-egress-');
    expect(await new EgressIpAllocator(deps.redis, deps.prefix).lookup('pub-local-a', name)).toBeNull();
    const policy = await admin.get({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumEgressGatewayPolicy',
      metadata: { name: `n3r-egress-${name}` },
    });
    expect(policy).toBeNull();
  });

  it('fails with a clear final error, creating nothing, when the pool is exhausted', async () => {
    const full = executorDeps();
    try {
      const allocator = new EgressIpAllocator(full.redis, full.prefix);
      const pool = full.registry.clusters.find((c) => c.name === 'pub-local-a')?.natGateway.egressPool ?? '';
      const range = poolRange(pool);
      const size = range.last - range.first + 1;
      for (let i = 0; i < size; i++) await allocator.allocate('pub-local-a', pool, `other-${i}`);
      const name = `team-a-full-${uniqueSuffix()}`;
      const params = paramsOf('namespace.create', { name, cluster: 'pub-local-a', team: 'team-a' });
      const failure = run(namespaceCreateExecutor(full), recordFor('namespace.create', params), params);
      await expect(failure).rejects.toMatchObject({
        code: 'CONFLICT',
        retryable: false,
        userText: expect.stringContaining(
          `the pool ${pool} of pub-local-a is exhausted (${size} of ${size} addresses in use)`,
        ),
      });
      expect(await admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).toBeNull();
    } finally {
      await full.close();
    }
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { executorOptions } from '../../../src/executors/executor-deps.js';
import {
  egressGatewayPolicy,
  namespaceCreateExecutor,
} from '../../../src/kinds/namespace-create/executor.js';
import { EgressIpAllocator, ipv4, ipv4Number, poolRange } from '../../../src/store/egress-ip-allocator.js';
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
    expect(await first.usage('c1', '10.20.0.0/29')).toEqual({ size: 6, used: 2, free: 4 });
  });

  it('keeps clusters apart and refuses with a coded error naming cluster and pools, allocating nothing, when they are exhausted', async () => {
    const allocator = new EgressIpAllocator(connect(), prefix());
    expect(await allocator.allocate('c1', '10.20.0.0/30', 'a')).toBe('10.20.0.1');
    expect(await allocator.allocate('c1', '10.20.0.0/30', 'b')).toBe('10.20.0.2');
    const exhausted = {
      code: 'EXHAUSTED',
      retryable: false,
      message: 'the NAT egress pool 10.20.0.0/30 of c1 is exhausted',
      userText: expect.stringContaining(
        'no NAT egress IP is left for namespace c: the pool 10.20.0.0/30 of c1 is exhausted (2 of 2 addresses in use)',
      ),
    };
    await expect(allocator.peek('c1', '10.20.0.0/30', 'c')).rejects.toMatchObject(exhausted);
    await expect(allocator.allocate('c1', '10.20.0.0/30', 'c')).rejects.toMatchObject(exhausted);
    expect(await allocator.lookup('c1', 'c')).toBeNull();
    expect(Object.keys(await allocator.allocations('c1'))).toHaveLength(2);
    expect(await allocator.allocate('c2', '10.20.0.0/30', 'c')).toBe('10.20.0.1');
    // A freed address goes to the next namespace that needs one.
    expect(await allocator.release('c1', 'a')).toBe('10.20.0.1');
    expect(await allocator.release('c1', 'a')).toBeNull();
    expect(await allocator.allocate('c1', '10.20.0.0/30', 'c')).toBe('10.20.0.1');
  });

  it('gives 50 namespaces allocating at once on one cluster 50 distinct addresses across its pools, then refuses the 51st', async () => {
    const p = prefix();
    // 14 + 30 + 6 = 50 addresses in three pools; ten workers with a connection each, as ten worker processes.
    const pools = ['10.30.0.0/28', '10.31.0.0/27', '10.32.0.0/29'];
    const workers = Array.from({ length: 10 }, () => new EgressIpAllocator(connect(), p, () => pools));
    const namespaces = Array.from({ length: 50 }, (_, i) => `team-a-many-${i}`);
    const ips = await Promise.all(
      namespaces.map((ns, i) => (workers[i % workers.length] as EgressIpAllocator).allocate('c1', pools, ns)),
    );
    expect(new Set(ips).size).toBe(50);
    const byPool = pools.map((pool) => {
      const { first, last } = poolRange(pool);
      return ips.filter((ip) => ipv4Number(ip) >= first && ipv4Number(ip) <= last).length;
    });
    expect(byPool).toEqual([14, 30, 6]);
    const recorded = await (workers[0] as EgressIpAllocator).allocations('c1');
    expect(namespaces.every((ns, i) => recorded[ips[i] as string] === ns)).toBe(true);
    expect(await (workers[1] as EgressIpAllocator).freeAddresses('c1')).toBe(0);
    await expect(
      (workers[2] as EgressIpAllocator).allocate('c1', pools, 'team-a-one-more'),
    ).rejects.toMatchObject({
      code: 'EXHAUSTED',
      message: 'the NAT egress pools 10.30.0.0/28, 10.31.0.0/27, 10.32.0.0/29 of c1 are exhausted',
      userText: expect.stringContaining('(50 of 50 addresses in use)'),
    });
  });

  it('hands out the first pool before the next, and counts what is free in every pool of the cluster', async () => {
    const pools = ['10.40.0.0/30', '10.41.0.0/30'];
    const allocator = new EgressIpAllocator(connect(), prefix(), (c) => (c === 'c1' ? pools : []));
    expect(await allocator.freeAddresses('c1')).toBe(4);
    const ips = [];
    for (const ns of ['a', 'b', 'c']) ips.push(await allocator.allocate('c1', pools, ns));
    expect(ips).toEqual(['10.40.0.1', '10.40.0.2', '10.41.0.1']);
    expect(await allocator.freeAddresses('c1')).toBe(1);
    expect(await allocator.usageByCluster(['c1'])).toEqual({ c1: { size: 4, used: 3, free: 1 } });
    await expect(allocator.freeAddresses('c2')).rejects.toThrow(
      "no NAT egress pools are known for cluster 'c2'",
    );
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
      const pool =
        full.registry.clusters.find((c) => c.name === 'pub-local-a')?.natGateway.egressPools[0] ?? '';
      const range = poolRange(pool);
      const size = range.last - range.first + 1;
      for (let i = 0; i < size; i++) await allocator.allocate('pub-local-a', pool, `other-${i}`);
      const name = `team-a-full-${uniqueSuffix()}`;
      const params = paramsOf('namespace.create', { name, cluster: 'pub-local-a', team: 'team-a' });
      const failure = run(namespaceCreateExecutor(full), recordFor('namespace.create', params), params);
      await expect(failure).rejects.toMatchObject({
        code: 'EXHAUSTED',
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

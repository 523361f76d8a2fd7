import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../src/executors/kube-apply.js';
import { AclRecords } from '../../../src/kinds/acl-open/acl-records.js';
import { aclOpenExecutor } from '../../../src/kinds/acl-open/executor.js';
import { expiredAcls, revokeAcl } from '../../../src/kinds/acl-open/revoker.js';
import { EgressIpAllocator } from '../../../src/store/egress-ip-allocator.js';
import {
  adminApi,
  createNamespace,
  executorDeps,
  type Obj,
  paramsOf,
  read,
  recordFor,
  run,
} from './executor-context.js';

const policyRef = (namespace: string, requestId: string): ObjectRef => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name: `n3r-acl-${requestId}`, namespace },
});

describe('the acl.open executor on a real apiserver and Redis', () => {
  const admin = adminApi();
  let clock = new Date('2026-11-25T10:00:00.000Z');
  let deps: ReturnType<typeof executorDeps>;
  let execute: ReturnType<typeof aclOpenExecutor>;
  let records: AclRecords;
  beforeAll(() => {
    deps = executorDeps({ now: () => clock });
    execute = aclOpenExecutor(deps);
    records = new AclRecords(deps.redis, deps.prefix);
  });
  afterAll(async () => {
    await deps.close();
  });

  it('opens egress to networks on ports for the TTL the policy obliges, once however often it runs', async () => {
    const ns = await createNamespace(admin, 'team-a-acl');
    const params = paramsOf('acl.open', {
      cluster: 'pub-local-a',
      namespace: ns,
      to: '10.1.0.0/16,10.2.3.4',
      ports: 'tcp/443,udp/53',
      ttl: '24h',
    });
    // The policy caps the TTL: its obligation wins over what was asked.
    const record = recordFor('acl.open', params, { obligations: { ttl_seconds: 3600 } });
    const result = await run(execute, record, params);
    expect(result.summary).toBe(
      `egress ACL opened from ${ns} on pub-local-a to 10.1.0.0/16, 10.2.3.4/32 on TCP/443, UDP/53`,
    );
    expect(result.details[0]).toBe('expires 2026-11-25T11:00:00.000Z; it is revoked then');

    const policy = (await read(admin, policyRef(ns, record.id))) as Obj;
    expect(policy.spec).toEqual({
      description: `n3r ACL ${record.id} (egress), expires 2026-11-25T11:00:00.000Z`,
      endpointSelector: {},
      egress: [
        {
          toCIDR: ['10.1.0.0/16', '10.2.3.4/32'],
          toPorts: [
            {
              ports: [
                { port: '443', protocol: 'TCP' },
                { port: '53', protocol: 'UDP' },
              ],
            },
          ],
        },
      ],
    });
    expect(policy.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'n3r',
      'n3r.io/acl': 'egress',
    });
    expect(policy.metadata.annotations).toMatchObject({
      'n3r.io/request-id': record.id,
      'n3r.io/expires-at': '2026-11-25T11:00:00.000Z',
    });
    expect(await records.get(record.id)).toMatchObject({
      requestId: record.id,
      direction: 'egress',
      cidrs: ['10.1.0.0/16', '10.2.3.4/32'],
      interCluster: null,
      policy: { cluster: 'pub-local-a', namespace: ns, name: `n3r-acl-${record.id}` },
      expiresAt: '2026-11-25T11:00:00.000Z',
    });

    // A retry an hour later changes nothing: not the policy, not the expiry.
    clock = new Date('2026-11-25T11:30:00.000Z');
    const stored = await deps.redis.get(`${deps.prefix}:acl:${record.id}`);
    const again = await run(execute, record, params);
    expect(again.summary).toBe(result.summary);
    expect(again.details).toContain(`• CiliumNetworkPolicy ${ns}/n3r-acl-${record.id} (unchanged)`);
    expect(((await read(admin, policyRef(ns, record.id))) as Obj).metadata.resourceVersion).toBe(
      policy.metadata.resourceVersion,
    );
    expect(await deps.redis.get(`${deps.prefix}:acl:${record.id}`)).toBe(stored);
    expect(await expiredAcls(deps, clock)).toContain(record.id);
  });

  it('opens ingress from networks through the fixed L7 address', async () => {
    const ns = await createNamespace(admin, 'team-a-acl');
    const params = paramsOf('acl.open', {
      cluster: 'pub-local-a',
      namespace: ns,
      from: '198.18.0.0/24',
      via: 'l7',
      ports: '443',
    });
    const record = recordFor('acl.open', params);
    const result = await run(execute, record, params);
    expect(result.summary).toBe(
      `ingress ACL opened to ${ns} on pub-local-a from 198.18.0.0/24 via l7 on TCP/443`,
    );
    expect(result.details).toContain("traffic enters through the cluster's fixed L7 address 198.51.100.11");
    const policy = (await read(admin, policyRef(ns, record.id))) as Obj;
    expect(policy.spec.ingress).toEqual([
      { fromCIDR: ['198.18.0.0/24'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    ]);
    expect(policy.spec.egress).toBeUndefined();
    expect(await records.get(record.id)).toMatchObject({ via: { kind: 'l7', address: '198.51.100.11' } });
  });

  it("opens egress to another cluster's load balancer from the namespace's NAT IP and records it centrally", async () => {
    const ns = await createNamespace(admin, 'team-a-acl');
    const natIp = await new EgressIpAllocator(deps.redis, deps.prefix).allocate(
      'pub-local-a',
      '203.0.113.0/28',
      ns,
    );
    const params = paramsOf('acl.open', {
      cluster: 'pub-local-a',
      namespace: ns,
      'to-cluster': 'ded-local-a',
      'to-namespace': 'team-a-api',
      ports: 'tcp/8443',
      ttl: '2h',
    });
    const record = recordFor('acl.open', params, { obligations: { ttl_seconds: 7200 } });
    const result = await run(execute, record, params);
    expect(result.summary).toBe(
      `egress ACL opened from ${ns} on pub-local-a to team-a-api on ded-local-a on TCP/8443`,
    );
    expect(result.details).toContain(
      `to the L4 load balancer 198.51.100.20 of ded-local-a, from NAT IP ${natIp}; recorded centrally for ded-local-a's allow-list`,
    );
    const policy = (await read(admin, policyRef(ns, record.id))) as Obj;
    expect(policy.spec.egress).toEqual([
      { toCIDR: ['198.51.100.20/32'], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] },
    ]);
    const central = await records.interCluster(clock);
    expect(central.find((r) => r.requestId === record.id)).toMatchObject({
      requestId: record.id,
      interCluster: {
        source: { cluster: 'pub-local-a', namespace: ns, natIp },
        target: { cluster: 'ded-local-a', namespace: 'team-a-api', lbAddress: '198.51.100.20' },
      },
      expiresAt: new Date(clock.getTime() + 7200_000).toISOString(),
    });
  });

  it('refuses an inter-cluster ACL for a namespace without a NAT IP, changing nothing', async () => {
    const ns = await createNamespace(admin, 'team-a-acl');
    const params = paramsOf('acl.open', {
      cluster: 'pub-local-a',
      namespace: ns,
      'to-cluster': 'ded-local-a',
      'to-namespace': 'team-a-api',
      ports: '443',
    });
    const record = recordFor('acl.open', params);
    await expect(run(execute, record, params)).rejects.toMatchObject({
      code: 'CONFLICT',
      userText: expect.stringContaining(`namespace ${ns} on pub-local-a has no fixed NAT egress IP`),
    });
    expect(await admin.get(policyRef(ns, record.id))).toBeNull();
    expect(await records.get(record.id)).toBeNull();
  });

  it('on a dry run validates the policy and creates nothing, not even the record', async () => {
    const ns = await createNamespace(admin, 'team-a-acl');
    const params = paramsOf('acl.open', {
      cluster: 'pub-local-a',
      namespace: ns,
      to: '10.9.0.0/16',
      ports: '5432',
    });
    const record = recordFor('acl.open', params);
    const result = await run(execute, record, params, { dryRun: true });
    expect(result.summary).toBe(
      `egress ACL would be opened from ${ns} on pub-local-a to 10.9.0.0/16 on TCP/5432`,
    );
    expect(await admin.get(policyRef(ns, record.id))).toBeNull();
    expect(await records.get(record.id)).toBeNull();
  });

  it('revokes exactly what the request opened, and revoking again changes nothing', async () => {
    const ns = await createNamespace(admin, 'team-a-acl');
    const natIp = await new EgressIpAllocator(deps.redis, deps.prefix).allocate(
      'pub-local-a',
      '203.0.113.0/28',
      ns,
    );
    expect(natIp).not.toBeNull();
    const open = async (raw: Record<string, string>) => {
      const params = paramsOf('acl.open', { cluster: 'pub-local-a', namespace: ns, ports: '443', ...raw });
      const record = recordFor('acl.open', params);
      await run(execute, record, params);
      return record.id;
    };
    const revoked = await open({ 'to-cluster': 'ded-local-a', 'to-namespace': 'team-a-api' });
    const kept = await open({ to: '10.3.0.0/16' });

    const dry = await revokeAcl(deps, { requestId: revoked }, { dryRun: true });
    expect(dry.summary).toBe(`ACL ${revoked} in ${ns} on pub-local-a would be revoked`);
    expect(await admin.get(policyRef(ns, revoked))).not.toBeNull();

    const result = await revokeAcl(deps, { requestId: revoked });
    expect(result.summary).toBe(`ACL ${revoked} in ${ns} on pub-local-a revoked`);
    expect(result.details).toEqual([
      `• CiliumNetworkPolicy ${ns}/n3r-acl-${revoked} deleted`,
      `central record of ${revoked} removed`,
    ]);
    expect(await admin.get(policyRef(ns, revoked))).toBeNull();
    expect(await records.get(revoked)).toBeNull();
    expect((await records.interCluster(clock)).map((r) => r.requestId)).not.toContain(revoked);
    expect(await deps.redis.zscore(records.expiryKey, revoked)).toBeNull();
    // The namespace's other ACL stays.
    expect(await admin.get(policyRef(ns, kept))).not.toBeNull();
    expect(await records.get(kept)).not.toBeNull();

    const again = await revokeAcl(deps, { requestId: revoked, cluster: 'pub-local-a', namespace: ns });
    expect(again).toEqual({
      summary: `ACL ${revoked} in ${ns} on pub-local-a was already revoked; nothing changed`,
      details: [],
    });
  });

  it('revokes the policy by its cluster and namespace when the central record is gone', async () => {
    const ns = await createNamespace(admin, 'team-a-acl');
    const params = paramsOf('acl.open', {
      cluster: 'pub-local-a',
      namespace: ns,
      to: '10.4.0.0/16',
      ports: '443',
    });
    const record = recordFor('acl.open', params);
    await run(execute, record, params);
    await records.remove(record.id);
    const result = await revokeAcl(deps, { requestId: record.id, cluster: 'pub-local-a', namespace: ns });
    expect(result.summary).toBe(`ACL ${record.id} in ${ns} on pub-local-a revoked`);
    expect(await admin.get(policyRef(ns, record.id))).toBeNull();
  });
});

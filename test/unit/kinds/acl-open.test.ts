import { describe, expect, it } from 'vitest';
import { aclOpen } from '../../../src/kinds/acl-open/index.js';
import { docExamples, parseAsked, policyCaseParams } from './doc-examples.js';

const base = { cluster: 'pub-kr1-a', namespace: 'team-a-web', ports: 'tcp/443' };

describe('acl.open', () => {
  it('accepts the examples of its documentation, and its usage line names its command', () => {
    const examples = docExamples('acl-open/intake.ts');
    expect(examples).toHaveLength(2);
    for (const text of examples) expect(parseAsked(aclOpen, text).success, text).toBe(true);
    expect(aclOpen.usage.startsWith('/n3r acl open ')).toBe(true);
  });

  it('gives the policy an egress ACL as the contract says: CIDRs, ports as numbers, the TTL in seconds', () => {
    const params = aclOpen.params.parse({
      ...base,
      to: '10.1.0.0/16, 10.2.3.4',
      ports: 'tcp/443,udp/53,8080',
      ttl: '1h30m',
    });
    const policy = aclOpen.toPolicyParams(params);
    expect(policy).toEqual({
      namespace: 'team-a-web',
      direction: 'egress',
      ports: [
        { protocol: 'TCP', port: 443 },
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 8080 },
      ],
      ttl_seconds: 5400,
      destinations: ['10.1.0.0/16', '10.2.3.4/32'],
      target: null,
    });
    expect(Object.keys(policy).sort()).toEqual(
      Object.keys(policyCaseParams('acl_open.json', 'acl_open', 'egress')).sort(),
    );
  });

  it('names the other cluster and namespace of an inter-cluster ACL as its target, with a TTL of a day by default', () => {
    const params = aclOpen.params.parse({ ...base, 'to-cluster': 'ded-kr1-a', 'to-namespace': 'team-a-api' });
    expect(aclOpen.toPolicyParams(params)).toMatchObject({
      direction: 'egress',
      destinations: [],
      target: { cluster: 'ded-kr1-a', namespace: 'team-a-api' },
      ttl_seconds: 86_400,
    });
    expect(aclOpen.describe(params)).toBe(
      'egress from team-a-web on pub-kr1-a to the load balancer of team-a-api on ded-kr1-a on tcp/443 for 24h',
    );
  });

  it('gives the policy an ingress ACL with its sources and entry (l4 unless asked)', () => {
    const l4 = aclOpen.toPolicyParams(aclOpen.params.parse({ ...base, from: '198.18.0.0/24', ttl: '7d' }));
    expect(l4).toEqual({
      namespace: 'team-a-web',
      direction: 'ingress',
      ports: [{ protocol: 'TCP', port: 443 }],
      ttl_seconds: 604_800,
      via: 'l4',
      sources: ['198.18.0.0/24'],
    });
    expect(Object.keys(l4).sort()).toEqual(
      Object.keys(policyCaseParams('acl_open.json', 'acl_open', 'ingress')).sort(),
    );
    expect(
      aclOpen.toPolicyParams(aclOpen.params.parse({ ...base, from: '198.18.0.0/24', via: 'l7' })),
    ).toMatchObject({
      via: 'l7',
    });
  });

  it('refuses an ACL that is both directions, or neither, or half a target', () => {
    const problems = (raw: Record<string, string>) =>
      aclOpen.params.safeParse({ ...base, ...raw }).error?.issues.map((i) => i.message) ?? [];
    expect(problems({ to: '10.0.0.0/8', from: '10.1.0.0/16' })).toEqual([
      'an ACL is either egress (--to, --to-cluster) or ingress (--from, --via), not both',
    ]);
    expect(problems({})).toEqual([
      'say where to: --to <cidrs> or --to-cluster/--to-namespace for egress, --from <cidrs> for ingress',
    ]);
    expect(problems({ 'to-cluster': 'ded-kr1-a' })).toEqual(['--to-cluster and --to-namespace go together']);
    expect(problems({ to: '10.0.0.0/8', via: 'l7' })).toContain(
      'an ACL is either egress (--to, --to-cluster) or ingress (--from, --via), not both',
    );
  });

  it('refuses ports, CIDRs and TTLs it cannot read', () => {
    for (const ports of ['tcp/0', 'icmp/1', '70000', 'tcp/', '', 'tcp/443,']) {
      expect(aclOpen.params.safeParse({ ...base, to: '10.0.0.0/8', ports }).success, ports).toBe(false);
    }
    for (const to of ['10.0.0.0/33', '010.1.1.1/8', '10.0.0', 'example.com', '10.0.0.0/8/1']) {
      expect(aclOpen.params.safeParse({ ...base, to }).success, to).toBe(false);
    }
    for (const ttl of ['1y', '0h', '24', 'forever']) {
      expect(aclOpen.params.safeParse({ ...base, to: '10.0.0.0/8', ttl }).success, ttl).toBe(false);
    }
  });

  it('parses CIDRs, ports and the TTL once into typed values, the same each time', () => {
    const given = { ...base, from: '198.18.0.0/24,198.18.1.1', ports: 'tcp/443,udp/53', ttl: '2h' };
    const once = aclOpen.params.parse(given);
    expect(once).toMatchObject({
      from: [
        { text: '198.18.0.0/24', address: '198.18.0.0', prefix: 24, version: 4 },
        { text: '198.18.1.1/32', address: '198.18.1.1', prefix: 32, version: 4 },
      ],
      ports: [
        { protocol: 'TCP', port: 443 },
        { protocol: 'UDP', port: 53 },
      ],
      ttl: { text: '2h', seconds: 7200 },
    });
    expect(aclOpen.params.parse(JSON.parse(JSON.stringify(given)))).toEqual(once);
  });

  it('reads port ranges and icmp but does not open them yet, saying so and naming the flag', () => {
    for (const ports of ['tcp/8000-8100', 'icmp', 'tcp/443,udp/53-54']) {
      const issues = aclOpen.params.safeParse({ ...base, to: '10.0.0.0/8', ports }).error?.issues ?? [];
      expect(issues.map((i) => `${String(i.path[0])}: ${i.message}`)).toEqual([
        'ports: port ranges and icmp are not opened by ACLs yet: list single ports such as tcp/443,udp/53',
      ]);
    }
  });

  it('names the flag and the value it could not read', () => {
    const issues =
      aclOpen.params.safeParse({ ...base, to: '10.0.0.0/33', ttl: 'forever' }).error?.issues ?? [];
    expect(issues.map((i) => `${String(i.path[0])}: ${i.message}`)).toEqual([
      'to: "10.0.0.0/33" is not a list of IPv4 CIDRs or addresses (e.g. 10.1.0.0/16,10.2.3.4)',
      'ttl: "forever" is not a duration (e.g. 90m, 24h or 7d)',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { localRegistryPath } from '../../../devtools/local-paths.js';
import {
  egressPoolsOf,
  findCluster,
  loadClusterRegistry,
  onCallGroupOf,
  parseClusterRegistry,
  regionPairClusters,
  regionPairOf,
} from '../../../src/config/cluster-registry.js';
import { ConfigError } from '../../../src/errors.js';

const problemsOf = (text: string): string => {
  try {
    parseClusterRegistry(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the registry was accepted');
};

const never = (): never => {
  throw new Error('no region pair');
};

describe('cluster registry', () => {
  it('reads the local registry: a cluster of each type and a public region pair of 2 regions x 2 clusters', () => {
    const registry = loadClusterRegistry(localRegistryPath);
    expect(new Set(registry.clusters.map((c) => c.type))).toEqual(
      new Set(['dedicated', 'public', 'stateful']),
    );
    const pubLocalA = findCluster(registry, 'pub-local-a');
    if (!pubLocalA) throw new Error('pub-local-a is missing');
    const pair = regionPairOf(registry, pubLocalA);
    expect(pair?.name).toBe('pub-local');
    expect(regionPairClusters(registry, pair ?? never()).map((c) => `${c.region}/${c.name}`)).toEqual([
      'local/pub-local-a',
      'local/pub-local-b',
      'local-2/pub-local2-a',
      'local-2/pub-local2-b',
    ]);
    // The dedicated cluster shares region 'local' but the pair is public: it is in no pair.
    const dedicated = findCluster(registry, 'ded-local-a');
    expect(dedicated && regionPairOf(registry, dedicated)).toBeUndefined();
  });

  it('refuses region pairs that do not make sense, each problem named', () => {
    const cluster = (name: string, region: string, type = 'public') =>
      `{ name: ${name}, type: ${type}, region: ${region}, kubeContext: ${name}, natGateway: { egressPool: 10.0.0.0/28 }, elbGateway: { l4Address: 1.1.1.1, l7Address: 1.1.1.2 } }`;
    const message =
      problemsOf(`clusters: [${cluster('a', 'kr1')}, ${cluster('b', 'kr2')}, ${cluster('c', 'kr3', 'stateful')}]
regionPairs:
  - { name: one, type: public, regions: [kr1, kr2] }
  - { name: one, type: public, regions: [kr2, kr9] }
  - { name: five, type: stateful, regions: [kr3, kr1] }
approverChannels: { public: C1234, dedicated: C1234, stateful: C1234 }
onCall: { defaultChannel: C1234 }
groups: {}`);
    expect(message).toMatch(/is invalid \(4 problems\)/);
    for (const problem of [
      "regionPairs[1].name: duplicate region pair name 'one'",
      "regionPairs[1].regions[0]: the public clusters of region 'kr2' are already in region pair 'one'",
      "regionPairs[1].regions[1]: region 'kr9' has no public cluster",
      "regionPairs[2].regions[1]: region 'kr1' has no stateful cluster",
    ]) {
      expect(message).toContain(problem);
    }
    const shapes = problemsOf(`clusters: [${cluster('a', 'kr1')}]
regionPairs:
  - { name: three, type: public, regions: [kr1] }
  - { name: four, type: public, regions: [kr1, kr1] }
approverChannels: { public: C1234, dedicated: C1234, stateful: C1234 }
onCall: { defaultChannel: C1234 }
groups: {}`);
    expect(shapes).toContain('regionPairs[0].regions: must name exactly two regions');
    expect(shapes).toContain('regionPairs[1].regions: must name two different regions');
  });

  it('lists every problem of an invalid file in one message', () => {
    const message = problemsOf(`
clusters:
  - name: Pub_1
    type: shared
    region: kr1
    kubeContext: ctx
    natGateway: { egressPool: 10.0.0.0/33 }
    elbGateway: { l4Address: 1.2.3, l7Address: 1.2.3.4 }
    loki: { url: ftp://loki }
  - name: pub-2
    type: public
    region: kr1
    kubeContext: ctx
    natGateway: { egressPool: 10.0.0.0/28 }
    elbGateway: { l4Address: 1.2.3.4, l7Address: 1.2.3.4 }
    color: blue
approverChannels: { public: general, dedicated: C1234, stateful: C1234 }
onCall: { defaultChannel: C1234 }
groups: {}
`);
    expect(message).toMatch(/^cluster registry test.yaml is invalid \(7 problems\):/);
    for (const path of [
      'clusters[0].name: must be a DNS label',
      'clusters[0].type:',
      'clusters[0].natGateway.egressPool:',
      'clusters[0].elbGateway.l4Address:',
      'clusters[0].loki.url: must be an http(s) URL',
      'clusters[1]: Unrecognized key: "color"',
      'approverChannels.public: must be a Slack channel id',
    ]) {
      expect(message).toContain(path);
    }
  });

  it('refuses duplicate cluster names', () => {
    const cluster = `{ name: a, type: public, region: r, kubeContext: c, natGateway: { egressPool: 10.0.0.0/28 }, elbGateway: { l4Address: 1.1.1.1, l7Address: 1.1.1.2 } }`;
    const message = problemsOf(`clusters: [${cluster}, ${cluster}]
approverChannels: { public: C1234, dedicated: C1234, stateful: C1234 }
onCall: { defaultChannel: C1234 }
groups: {}`);
    expect(message).toContain("clusters[1].name: duplicate cluster name 'a'");
  });

  it('names the log store of each source, and refuses one without its URL', () => {
    const cluster = (extra: string) =>
      `{ name: a, type: public, region: r, kubeContext: c, natGateway: { egressPool: 10.0.0.0/28 }, elbGateway: { l4Address: 1.1.1.1, l7Address: 1.1.1.2 }, ${extra} }`;
    const rest = `
approverChannels: { public: C1234, dedicated: C1234, stateful: C1234 }
onCall: { defaultChannel: C1234 }
groups: {}`;
    const registry = parseClusterRegistry(
      `clusters: [${cluster('victorialogs: { url: "http://vl:9428" }, elasticsearch: { url: "http://es:9200" }, logs: { access: victorialogs, audit: elasticsearch }')}]${rest}`,
      'test.yaml',
    );
    expect(registry.clusters[0]?.logs).toEqual({
      access: 'victorialogs',
      audit: 'elasticsearch',
      auditIndex: 'audit-*',
    });
    const message = problemsOf(
      `clusters: [${cluster('logs: { access: loki, audit: elasticsearch }')}]${rest}`,
    );
    expect(message).toContain(
      "clusters[0].logs.access: the access logs are served by 'loki', and the cluster has no 'loki' entry with its URL",
    );
    expect(message).toContain('clusters[0].logs.audit:');
  });

  it('reads the NAT egress pools of a cluster as a list, the older single egressPool as a list of one', () => {
    const registry = loadClusterRegistry(localRegistryPath);
    expect(findCluster(registry, 'ded-local-a')?.natGateway).toEqual({
      egressPools: ['192.0.2.0/25', '192.0.2.128/25'],
    });
    expect(findCluster(registry, 'pub-local-a')?.natGateway).toEqual({ egressPools: ['203.0.113.0/24'] });
    expect(egressPoolsOf(registry)('ded-local-a')).toEqual(['192.0.2.0/25', '192.0.2.128/25']);
    expect(egressPoolsOf(registry)('nowhere')).toEqual([]);
  });

  it('refuses NAT egress pools that overlap, are no network address, are not CIDRs, or are given twice over', () => {
    const cluster = (name: string, natGateway: string) =>
      `{ name: ${name}, type: public, region: r, kubeContext: c, natGateway: ${natGateway}, elbGateway: { l4Address: 1.1.1.1, l7Address: 1.1.1.2 } }`;
    const message = problemsOf(`clusters:
  - ${cluster('a', '{ egressPools: [10.0.0.0/24, 10.1.0.0/28, 10.0.0.128/25] }')}
  - ${cluster('b', '{ egressPools: [10.2.0.5/24] }')}
  - ${cluster('c', '{ egressPools: [10.3.0.0/33, nonsense] }')}
  - ${cluster('d', '{ egressPool: 10.4.0.0/28, egressPools: [10.5.0.0/28] }')}
  - ${cluster('e', '{}')}
  - ${cluster('f', '{ egressPools: [] }')}
approverChannels: { public: C1234, dedicated: C1234, stateful: C1234 }
onCall: { defaultChannel: C1234 }
groups: {}`);
    expect(message).toMatch(/is invalid \(7 problems\)/);
    for (const problem of [
      "clusters[0].natGateway.egressPools[2]: '10.0.0.128/25' overlaps '10.0.0.0/24'",
      "clusters[1].natGateway.egressPools[0]: '10.2.0.5/24' is not a network address: its network is 10.2.0.0/24",
      'clusters[2].natGateway.egressPools[0]:',
      'clusters[2].natGateway.egressPools[1]:',
      'clusters[3].natGateway: give the pools of egress IPs as either egressPools (a list of CIDRs) or egressPool, not both',
      'clusters[4].natGateway: give the pools of egress IPs as either',
      'clusters[5].natGateway.egressPools: must list at least one CIDR',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it("declares each team's on-call group and the audit group, which must be groups people can carry", () => {
    const head = `clusters: [{ name: a, type: public, region: r, kubeContext: c, natGateway: { egressPool: 10.0.0.0/28 }, elbGateway: { l4Address: 1.1.1.1, l7Address: 1.1.1.2 } }]
approverChannels: { public: C1234, dedicated: C1234, stateful: C1234 }`;
    const registry = parseClusterRegistry(
      `${head}
onCall: { defaultChannel: C1234, teams: { team-a: { channel: C0TEAMA, group: pager-a }, team-b: C0TEAMB, team-c: { group: pager-c } } }
roles: { audit: readers }
groups: { pager-a: { slackUsergroup: S1 }, pager-c: { slackUsergroup: S2 }, readers: { slackUsergroup: S3 } }`,
      'test.yaml',
    );
    expect(onCallGroupOf(registry, 'team-a')).toBe('pager-a');
    expect(onCallGroupOf(registry, 'team-b')).toBeNull();
    expect(onCallGroupOf(registry, 'team-c')).toBe('pager-c');
    expect(onCallGroupOf(registry, 'team-z')).toBeNull();
    expect(onCallGroupOf(registry, 'constructor')).toBeNull();
    expect(registry.onCall.teams['team-b']?.channel).toBe('C0TEAMB');
    expect(registry.roles.audit).toBe('readers');
    // Without roles, nobody reads trails as an auditor: no name is assumed.
    expect(
      parseClusterRegistry(`${head}\nonCall: { defaultChannel: C1234 }\ngroups: {}`, 'test.yaml').roles,
    ).toEqual({});

    const message = problemsOf(`${head}
onCall: { defaultChannel: C1234, teams: { team-a: { channel: C0TEAMA, group: team-a-oncall } } }
roles: { audit: n3r-audit }
groups: {}`);
    expect(message).toContain(
      "onCall.teams.team-a.group: group 'team-a-oncall' is not one of the registry's groups, so nobody could be in it",
    );
    expect(message).toContain("roles.audit: group 'n3r-audit' is not one of the registry's groups");
  });

  it('reports YAML syntax errors and unreadable files clearly', () => {
    expect(problemsOf('clusters: [')).toMatch(/is invalid \(1 problem\)/);
    expect(() => loadClusterRegistry('/nonexistent/registry.yaml')).toThrow(/cannot be read/);
  });
});

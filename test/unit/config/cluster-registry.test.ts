import { describe, expect, it } from 'vitest';
import { loadClusterRegistry, parseClusterRegistry } from '../../../src/config/cluster-registry.js';
import { ConfigError } from '../../../src/errors.js';
import { localRegistryPath } from '../../support/local-paths.js';

const problemsOf = (text: string): string => {
  try {
    parseClusterRegistry(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the registry was accepted');
};

describe('cluster registry', () => {
  it('reads the local registry: one cluster of each type', () => {
    const registry = loadClusterRegistry(localRegistryPath);
    expect(registry.clusters.map((c) => c.type).sort()).toEqual(['dedicated', 'public', 'stateful']);
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

  it('reports YAML syntax errors and unreadable files clearly', () => {
    expect(problemsOf('clusters: [')).toMatch(/is invalid \(1 problem\)/);
    expect(() => loadClusterRegistry('/nonexistent/registry.yaml')).toThrow(/cannot be read/);
  });
});

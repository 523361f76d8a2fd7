import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PolicyInput } from '../../../src/core/decision.js';
import { createLogger } from '../../../src/logger.js';
import { BundleRefusedError } from '../../../src/policy/bundle-sources.js';
import { maxInputBytes, OpaPolicyEngine } from '../../../src/policy/opa-policy-engine.js';
import { loadPolicyBundle } from '../../../src/policy/policy-bundle.js';
import { compileBundle, denyAllDecision } from '../../support/policy-bundles.js';

const log = createLogger({ level: 'silent', role: 'test' });
const clusterTypes = ['public', 'dedicated', 'stateful'] as const;

const input = (params: Record<string, unknown> = {}, type = 'public'): PolicyInput => ({
  request: {
    id: 'r-test',
    kind: 'namespace.create',
    params: {
      name: 'team-a-web',
      team: 'team-a',
      cpu_millicores: 4000,
      memory_bytes: 2 ** 33,
      take_over: false,
      ...params,
    },
    requester: { slack_id: 'UALICE', email: null, groups: ['team-a'] },
  },
  cluster: { name: `${type}-cluster`, type, region: 'local' },
  approvals: [],
  context: { namespace: { exists: false, team: null } },
});

describe('the policy engine on compiled bundles', () => {
  let engine: OpaPolicyEngine;
  let scratch: string;
  beforeAll(async () => {
    const dir = inject('stack').policyDir;
    engine = new OpaPolicyEngine(
      await Promise.all(['public', 'dedicated'].map((t) => loadPolicyBundle(dir, t))),
      log,
    );
    scratch = mkdtempSync(join(tmpdir(), 'n3r-policy-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('allows a request the public rules accept, and names the bundle revision', () => {
    const decision = engine.decide('public', input());
    expect(decision).toMatchObject({ allow: true, deny: [], approval: { required: false } });
    expect(decision.revision).toMatch(/^public-[0-9a-f]{12}$/);
  });

  it('denies with every reason and its rule id', () => {
    const decision = engine.decide(
      'public',
      input({ name: 'kube-system', team: 'team-b', cpu_millicores: 100_000 }),
    );
    expect(decision.allow).toBe(false);
    expect(decision.deny.map((d) => d.rule)).toEqual(
      expect.arrayContaining([
        'namespace.name.protected',
        'namespace.name.team_prefix',
        'namespace.quota.cpu',
        'namespace.requester.team',
      ]),
    );
  });

  it('denies a kind that has no policy on the type, and says where to read more', () => {
    const unknown = input();
    unknown.request.kind = 'x.y';
    expect(engine.decide('public', unknown)).toMatchObject({
      allow: false,
      deny: [
        {
          rule: 'policy.kind.none',
          message: 'no policy for x.y on public clusters',
          about: {
            title: 'Request kinds per cluster type',
            description: expect.stringContaining('A kind that is not in the table'),
            url: 'policies/README.md#dispatch-fails-closed',
          },
        },
      ],
    });
  });

  it("gives each denial its rule package's title, description and link, resolved against the docs URL", async () => {
    const linked = new OpaPolicyEngine([await loadPolicyBundle(inject('stack').policyDir, 'public')], log, {
      docsUrl: 'https://git.example.com/n3r/chatops/blob/main/',
    });
    const [denial] = linked.decide('public', input({ cpu_millicores: 12_000 })).deny;
    expect(denial).toEqual({
      rule: 'namespace.quota.cpu',
      message: 'cpu quota 12 cores is above the ceiling of 8 cores on public clusters',
      about: {
        title: 'Namespaces',
        description: expect.stringContaining('A team creates namespaces named with its prefix'),
        url: 'https://git.example.com/n3r/chatops/blob/main/policies/README.md#namespacecreate-rules',
      },
    });
  });

  it('fails closed for a cluster type without a bundle', () => {
    expect(engine.decide('stateful', input({}, 'stateful'))).toMatchObject({
      allow: false,
      deny: [
        { rule: 'engine.fail_closed', message: "no policy bundle is loaded for cluster type 'stateful'" },
      ],
    });
  });

  it('fails closed on an input above the size cap', () => {
    const decision = engine.decide('public', input({ padding: 'x'.repeat(maxInputBytes) }));
    expect(decision).toMatchObject({
      allow: false,
      deny: [{ rule: 'engine.fail_closed', message: expect.stringContaining('too large') }],
    });
  });

  describe.each(clusterTypes)('entry point n3r/%s/decision', (type) => {
    // Each bundle answers well for anything but namespace.create, so it passes the load probe and
    // breaks only on the request under test.
    const healthy = `decision := ${denyAllDecision('test.other')} if input.request.kind != "namespace.create"`;
    const broken = {
      undefined: '',
      malformed: 'decision := {"allow": true} if input.request.kind == "namespace.create"',
      'an engine error':
        'decision := {"allow": true} if input.request.kind == "namespace.create"\ndecision := {"allow": false} if input.request.kind == "namespace.create"',
    };

    it.each(Object.entries(broken))('denies when the result is %s', async (what, rule) => {
      const dir = join(scratch, `${type}-${what.replaceAll(' ', '-')}`);
      await compileBundle({
        dir,
        type,
        rego: `package n3r.${type}\n\n${healthy}\n\n${rule}\n`,
        data: { marker: 'x' },
        revision: `${type}-broken`,
      });
      const broken = new OpaPolicyEngine([await loadPolicyBundle(dir, type)], log);
      const decision = broken.decide(type, input({}, type));
      expect(decision.allow).toBe(false);
      expect(decision.deny).toEqual([
        { rule: 'engine.fail_closed', message: expect.stringMatching(/gave no decision|malformed|failed/) },
      ]);
      expect(decision.revision).toBe(`${type}-broken`);
    });

    it('refuses to put in service a bundle that allows what it does not know', async () => {
      const dir = join(scratch, `${type}-allow-all`);
      const allowAll = denyAllDecision('x')
        .replace('"allow": false', '"allow": true')
        .replace(/"deny": \[[^\]]*\]/, '"deny": []');
      await compileBundle({
        dir,
        type,
        rego: `package n3r.${type}\n\ndecision := ${allowAll}\n`,
        data: { marker: 'x' },
        revision: `${type}-allow-all`,
      });
      const bundle = await loadPolicyBundle(dir, type);
      expect(() => new OpaPolicyEngine([bundle], log)).toThrow(BundleRefusedError);
      expect(() => engine.install(bundle)).toThrow(/allows an unknown request kind/);
    });
  });

  it('refuses to load a bundle whose files are missing or broken', async () => {
    mkdirSync(join(scratch, 'garbage/public'), { recursive: true });
    writeFileSync(join(scratch, 'garbage/public/policy.wasm'), 'not wasm');
    writeFileSync(join(scratch, 'garbage/public/data.json'), '{}');
    writeFileSync(join(scratch, 'garbage/public/.manifest'), '{"revision":"x"}');
    await expect(loadPolicyBundle(join(scratch, 'garbage'), 'public')).rejects.toThrow(
      /policy bundle .* cannot be loaded/,
    );
    await expect(loadPolicyBundle(join(scratch, 'nowhere'), 'public')).rejects.toThrow(/cannot be loaded/);
    mkdirSync(join(scratch, 'bad-data/public'), { recursive: true });
    copyFileSync(
      join(inject('stack').policyDir, 'public/policy.wasm'),
      join(scratch, 'bad-data/public/policy.wasm'),
    );
    writeFileSync(join(scratch, 'bad-data/public/data.json'), '{"settings": ');
    writeFileSync(join(scratch, 'bad-data/public/.manifest'), '{"revision":"public-bad-data"}');
    await expect(loadPolicyBundle(join(scratch, 'bad-data'), 'public')).rejects.toThrow(
      /cannot be loaded: failed to parse json/,
    );
  });
});

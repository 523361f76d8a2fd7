import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PolicyInput } from '../../../src/core/decision.js';
import { createLogger } from '../../../src/logger.js';
import { maxInputBytes, OpaPolicyEngine } from '../../../src/policy/opa-policy-engine.js';
import { loadPolicyBundle } from '../../../src/policy/policy-bundle.js';

const run = promisify(execFile);
const log = createLogger({ level: 'silent', role: 'test' });

const input = (params: Record<string, unknown> = {}, groups = ['team-a']): PolicyInput => ({
  request: {
    id: 'r-test',
    kind: 'namespace.create',
    params: { name: 'team-a-web', team: 'team-a', cpu_millicores: 4000, memory_bytes: 2 ** 33, ...params },
    requester: { slack_id: 'UALICE', email: null, groups },
  },
  cluster: { name: 'pub-local-a', type: 'public', region: 'local' },
  approvals: [],
  context: {},
});

/** Compiles a one-off bundle with the real opa CLI, laid out as build-policies.sh lays it out. */
async function compile(dir: string, type: string, rego: string): Promise<void> {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'policy.rego'), rego);
  await run(inject('stack').opa, [
    'build',
    '-t',
    'wasm',
    '-e',
    `n3r/${type}/decision`,
    '--revision',
    `${type}-test`,
    '-o',
    join(dir, 'bundle.tar.gz'),
    src,
  ]);
  mkdirSync(join(dir, type), { recursive: true });
  await run('tar', ['-xzf', join(dir, 'bundle.tar.gz'), '-C', join(dir, type)]);
}

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
    expect(decision.deny.map((d) => d.rule).sort()).toEqual([
      'namespace.name.protected',
      'namespace.name.team_prefix',
      'namespace.quota.cpu',
      'namespace.requester.team',
    ]);
  });

  it('asks for approval on a dedicated cluster above the base quota, and not before', () => {
    const big = {
      ...input({ cpu_millicores: 32_000 }),
      cluster: { name: 'd', type: 'dedicated', region: 'r' },
    };
    const decision = engine.decide('dedicated', big);
    expect(decision).toMatchObject({
      allow: false,
      deny: [],
      approval: { required: true, count: 1, groups: ['n3r-approvers-dedicated'] },
    });
  });

  it('fails closed for a cluster type without a bundle', () => {
    expect(engine.decide('stateful', input())).toMatchObject({
      allow: false,
      deny: [{ rule: 'engine.fail_closed' }],
    });
  });

  it('fails closed on an input above the size cap', () => {
    const decision = engine.decide('public', input({ padding: 'x'.repeat(maxInputBytes) }));
    expect(decision).toMatchObject({
      allow: false,
      deny: [{ rule: 'engine.fail_closed', message: expect.stringContaining('too large') }],
    });
  });

  it('fails closed when a bundle answers undefined or a malformed decision', async () => {
    await compile(
      join(scratch, 'undefined'),
      'public',
      'package n3r.public\n\ndecision := {"allow": true} if input.never\n',
    );
    await compile(
      join(scratch, 'malformed'),
      'public',
      'package n3r.public\n\ndecision := {"allow": true}\n',
    );
    for (const [dir, reason] of [
      ['undefined', 'gave no decision'],
      ['malformed', 'malformed decision'],
    ] as const) {
      const broken = new OpaPolicyEngine([await loadPolicyBundle(join(scratch, dir), 'public')], log);
      const decision = broken.decide('public', input());
      expect(decision.allow).toBe(false);
      expect(decision.deny).toEqual([
        { rule: 'engine.fail_closed', message: expect.stringContaining(reason) },
      ]);
    }
  });

  it('refuses to load a bundle whose files are missing or broken', async () => {
    mkdirSync(join(scratch, 'broken/public'), { recursive: true });
    writeFileSync(join(scratch, 'broken/public/policy.wasm'), 'not wasm');
    writeFileSync(join(scratch, 'broken/public/data.json'), '{}');
    writeFileSync(join(scratch, 'broken/public/.manifest'), '{"revision":"x"}');
    await expect(loadPolicyBundle(join(scratch, 'broken'), 'public')).rejects.toThrow(
      /policy bundle .* cannot be loaded/,
    );
    await expect(loadPolicyBundle(join(scratch, 'nowhere'), 'public')).rejects.toThrow(/cannot be loaded/);
  });
});

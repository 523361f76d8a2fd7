import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import type { AuditEntry, RequestRecord } from '../../src/core/request.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { compileBundle } from '../support/policy-bundles.js';

/**
 * What the card promises about the moment a request runs: it runs only as approved, and only if the
 * policy still allows it in today's world. The bot takes requests and approvals with no worker running;
 * the test changes one thing; then a worker starts and must refuse, saying why, and apply nothing.
 */
describe('a request runs only as approved and as the policy allows it at run time', () => {
  let h: Harness;
  const dirs: string[] = [];
  beforeAll(async () => {
    h = await startHarness({ mode: 'socket', role: 'bot' });
  });
  afterAll(async () => {
    await h.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const recordOf = async (id: string) =>
    JSON.parse((await h.redis.hget(`${h.prefix}:request:${id}`, 'json')) ?? 'null') as RequestRecord;
  const namespaceExists = async (name: string) =>
    (await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) !== null;
  const latest = (m: StoredMessage) => h.emulator.message(m.channel, m.ts) ?? m;

  /**
   * Asks as alice on the dedicated cluster (whose asks here need two approvals), and approves as bob and
   * dave; returns once the request is queued. `marker` is a word of the ask that finds its messages.
   */
  async function approved(text: string, marker: string): Promise<{ id: string; card: StoredMessage }> {
    await h.emulator.slashCommand({ text, user: people.requester, channel: channels.team });
    const prompt = await h.emulator.waitFor('the approval prompt', () =>
      h.emulator.channelMessages(channels.approvals).find((m) => m.text.includes(marker)),
    );
    const card = await h.emulator.waitFor('the card', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(marker)),
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    for (const approver of [people.approver, people.secondApprover]) {
      await h.emulator.clickButton({
        user: approver,
        channel: prompt.channel,
        ts: prompt.ts,
        actionId: 'n3r_approve',
      });
    }
    await eventually('queued after two approvals', async () =>
      (await recordOf(id)).state === 'queued' ? true : undefined,
    );
    return { id, card };
  }

  /** A 32-core dedicated namespace, approved and queued. */
  async function approvedBigNamespace(): Promise<{ name: string; id: string; card: StoredMessage }> {
    const name = `team-a-run-${uniqueSuffix()}`;
    const asked = await approved(`ns create ${name} --cluster ded-local-a --team team-a --cpu 32`, name);
    return { name, ...asked };
  }

  async function settled(id: string): Promise<RequestRecord> {
    return eventually(
      `request ${id} settled`,
      async () => {
        const record = await recordOf(id);
        return record.state === 'failed' || record.state === 'succeeded' ? record : undefined;
      },
      30_000,
    );
  }

  it('refuses to run a request whose stored parameters changed after approval, and applies nothing', async () => {
    const { name, id, card } = await approvedBigNamespace();
    // Someone with write access to Redis lowers the quota of the approved request (still allowed by the
    // policy, so only the binding to the approval can stop it).
    const record = await recordOf(id);
    const edited = { ...record, params: { ...record.params, cpu: '24' } };
    await h.redis.hset(`${h.prefix}:request:${id}`, 'json', JSON.stringify(edited));

    const worker = await h.startWorker({});
    const failed = await settled(id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^changed after approval: /);
    expect(await namespaceExists(name)).toBe(false);
    const shown = await h.emulator.waitFor('the card says why', () =>
      JSON.stringify(latest(card).blocks).includes('changed after approval') ? latest(card) : undefined,
    );
    expect(shown.text).toContain('Failed');
    await worker.stop();
  });

  it('reads the requester’s groups again: someone removed from the team after submitting gets nothing', async () => {
    const { name, id } = await approvedBigNamespace();
    const teamA = h.emulator.workspace.usergroups.find((g) => g.handle === 'team-a');
    if (!teamA) throw new Error('the local workspace has no team-a group');
    const before = [...teamA.users];
    teamA.users = teamA.users.filter((u) => u !== people.requester);
    try {
      const worker = await h.startWorker({ N3R_RUN_IDENTITY_MAX_AGE_MS: '0' });
      const failed = await settled(id);
      expect(failed.error).toContain('the policy no longer allows this request');
      expect(failed.error).toContain('[namespace.requester.team]');
      expect(await namespaceExists(name)).toBe(false);
      await worker.stop();
    } finally {
      teamA.users = before;
    }
  });

  it('decides with the bundle loaded at run time: a lowered quota cap refuses what was approved before', async () => {
    const { name, id } = await approvedBigNamespace();
    const policyDir = mkdtempSync(join(tmpdir(), 'n3r-policies-'));
    dirs.push(policyDir);
    cpSync(inject('stack').policyDir, policyDir, { recursive: true });
    const dataPath = join(policyDir, 'dedicated', 'data.json');
    const data = JSON.parse(readFileSync(dataPath, 'utf8'));
    data.settings.namespace.max_cpu_millicores = 16_000;
    writeFileSync(dataPath, JSON.stringify(data));
    writeFileSync(
      join(policyDir, 'dedicated', '.manifest'),
      JSON.stringify({ revision: 'dedicated-lowered' }),
    );

    const worker = await h.startWorker({ N3R_POLICY_DIR: policyDir });
    const failed = await settled(id);
    expect(failed.error).toContain('[namespace.quota.cpu]');
    expect(await namespaceExists(name)).toBe(false);
    const trail: AuditEntry[] = await workerTrail(id);
    const redecided = trail.find((e) => e.event === 're-decided before running');
    expect(redecided?.detail).toMatchObject({
      revision: 'dedicated-lowered',
      result: 'denied',
      rules: 'namespace.quota.cpu',
    });
    expect(redecided?.detail?.input_hash).toMatch(/^[0-9a-f]{16}$/);
    await worker.stop();
  });

  it('records the re-decision of a request that runs, with its bundle revision, input hash and result', async () => {
    const { name, id } = await approvedBigNamespace();
    const worker = await h.startWorker({});
    const done = await settled(id);
    expect(done.state).toBe('succeeded');
    expect(await namespaceExists(name)).toBe(true);
    const trail = await workerTrail(id);
    const decisions = trail.filter(
      (e) => e.event === 'decided on approval' || e.event === 're-decided before running',
    );
    expect(decisions.map((e) => [e.event, e.detail?.result])).toEqual([
      ['decided on approval', 'approval required'],
      ['decided on approval', 'allowed'],
      ['re-decided before running', 'allowed'],
    ]);
    for (const d of decisions) expect(d.detail?.revision).toBe(done.decision.revision);
    await worker.stop();
  });

  it('reads the namespace as it is now: one handed to another team after approval gets no deploy', async () => {
    const ns = `team-a-moved-${uniqueSuffix()}`;
    const namespaceObject = (team: string) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'n3r.io/team': team } },
    });
    await h.admin.apply(namespaceObject('team-a'), { fieldManager: 'platform-admin' });
    const { id } = await approved(
      `deploy web --cluster ded-local-a --namespace ${ns} --image ghcr.io/team-a/web:1.4.2`,
      ns,
    );
    // The platform team hands the namespace to team-b before the job runs.
    await h.admin.apply(namespaceObject('team-b'), { fieldManager: 'platform-admin' });

    const worker = await h.startWorker({});
    const failed = await settled(id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toContain('[deploy.namespace.team]');
    const deployment = await h.admin.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
    });
    expect(deployment).toBeNull();
    await worker.stop();
  });

  /** The request's audit trail, as the store reads it. */
  function workerTrail(id: string): Promise<AuditEntry[]> {
    return new RedisRequestStore(h.redis, h.prefix).auditTrail(id);
  }
});

describe('policy evaluation has a deadline', () => {
  let h: Harness;
  let policyDir: string;
  beforeAll(async () => {
    // A public bundle that allows namespaces, slowly: it walks 400,000 items for every decision, which
    // takes well over a millisecond of CPU.
    policyDir = mkdtempSync(join(tmpdir(), 'n3r-slow-policy-'));
    await compileBundle({
      dir: policyDir,
      type: 'public',
      revision: 'public-slow',
      rego: `package n3r.public

decision := {"allow": allowed, "deny": [], "approval": {"required": false, "groups": [], "count": 0, "expires_in": "0s", "reasons": []}, "warnings": [], "obligations": {}}

default allowed := false

allowed if {
	input.request.kind == "namespace.create"
	count([x | some x in data.items; x >= 0]) > 0
}
`,
      data: { items: Array.from({ length: 400_000 }, (_, i) => i) },
    });
    h = await startHarness({
      mode: 'socket',
      env: { N3R_POLICY_DIR: policyDir, N3R_POLICY_DEADLINE_MS: '1' },
    });
  });
  afterAll(async () => {
    await h.stop();
    rmSync(policyDir, { recursive: true, force: true });
  });

  it('denies a request whose evaluation runs past it, saying so, and stores nothing', async () => {
    const name = `team-a-slow-${uniqueSuffix()}`;
    const since = h.emulator.ephemerals.length;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const answer = await h.emulator.waitFor('the denial', () =>
      h.emulator.ephemerals.slice(since).find((e) => e.user === people.requester),
    );
    expect(JSON.stringify(answer)).toContain('over its deadline of 1 ms');
    expect(JSON.stringify(answer)).toContain('engine.deadline');
    expect(await h.jobCount()).toBe(0);
    expect(h.emulator.channelMessages(channels.team).some((m) => m.text.includes(name))).toBe(false);
  });
});

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import type { RequestRecord } from '../../src/core/request.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { compileBundle } from '../support/policy-bundles.js';

/** A public bundle: namespaces need one approval from n3r-approvers-public; `approved` says what an approval gives. */
const bundle = (approved: string) => `package n3r.public

approval := {"required": true, "groups": ["n3r-approvers-public"], "count": 1, "expires_in": "1h", "reasons": ["a test approval"]}

decision := {"allow": false, "deny": [{"rule": "test.kind", "message": "only namespaces here"}], "approval": {"required": false, "groups": [], "count": 0, "expires_in": "0s", "reasons": []}, "warnings": [], "obligations": {}} if {
	input.request.kind != "namespace.create"
}

decision := {"allow": false, "deny": [], "approval": approval, "warnings": [], "obligations": {}} if {
	input.request.kind == "namespace.create"
	count(input.approvals) == 0
}

decision := {"allow": allowed, "deny": [], "approval": approval, "warnings": [], "obligations": {}} if {
	input.request.kind == "namespace.create"
	count(input.approvals) > 0
}

${approved}
`;

/** Two values for one complete rule: evaluating it with an approval throws inside the engine. */
const throwing = `allowed := true if count(input.approvals) > 0

allowed := false if count(input.approvals) > 0`;
const working = 'allowed := count(input.approvals) > 0';

/**
 * An approval is stored only together with a successful evaluation of what it means: when the policy
 * cannot be evaluated, nothing is recorded, the approver is told to try again, and the request still waits.
 */
describe('an approval whose evaluation fails', () => {
  let h: Harness;
  let policyDir: string;
  const staging: string[] = [];

  async function install(rego: string, revision: string): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'n3r-staging-'));
    staging.push(dir);
    await compileBundle({ dir, type: 'public', revision, rego });
    // The manifest last: the bot reloads when it sees a new revision there.
    for (const file of ['policy.wasm', 'data.json', '.manifest'])
      copyFileSync(join(dir, 'public', file), join(policyDir, 'public', file));
  }

  beforeAll(async () => {
    policyDir = mkdtempSync(join(tmpdir(), 'n3r-policies-'));
    await compileBundle({
      dir: policyDir,
      type: 'public',
      revision: 'public-throws',
      rego: bundle(throwing),
    });
    h = await startHarness({ mode: 'socket', env: { N3R_POLICY_DIR: policyDir, N3R_BUNDLE_POLL_MS: '200' } });
  });
  afterAll(async () => {
    await h.stop();
    for (const dir of [policyDir, ...staging]) rmSync(dir, { recursive: true, force: true });
  });

  const recordOf = async (id: string) =>
    JSON.parse((await h.redis.hget(`${h.prefix}:request:${id}`, 'json')) ?? 'null') as RequestRecord;

  it('records nothing, tells the approver to try again, and counts the approval once the policy works', async () => {
    const name = `team-a-stuck-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const prompt = await h.emulator.waitFor('the approval prompt', () =>
      h.emulator.channelMessages(channels.approvals).find((m) => m.text.includes(name)),
    );
    const id = /r-[a-z0-9]{10}/.exec(prompt.text)?.[0] ?? '';
    const approve = () =>
      h.emulator.clickButton({
        user: people.approver,
        channel: prompt.channel,
        ts: prompt.ts,
        actionId: 'n3r_approve',
      });

    const since = h.emulator.ephemerals.length;
    await approve();
    const told = await h.emulator.waitFor('the approver is told', () =>
      h.emulator.ephemerals.slice(since).find((e) => e.user === people.approver),
    );
    expect(told.text).toContain('Your approval was not recorded: the policy could not be evaluated');
    const waiting = await recordOf(id);
    expect(waiting.state).toBe('awaiting_approval');
    expect(waiting.approvals).toEqual([]);

    await install(bundle(working), 'public-works');
    // Once the working bundle is in service the same approver's next click counts: it was never recorded.
    const queued = await eventually(
      'the approval counted',
      async () => {
        const record = await recordOf(id);
        if (record.state === 'awaiting_approval') await approve();
        return record.state !== 'awaiting_approval' ? record : undefined;
      },
      20_000,
    );
    expect(queued.approvals.map((a) => a.slackId)).toEqual([people.approver]);
    const done = await eventually('the namespace created', async () => {
      const record = await recordOf(id);
      return record.state === 'succeeded' ? record : undefined;
    });
    expect(done.decision.revision).toBe('public-works');
    expect(await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).not.toBeNull();
  });
});

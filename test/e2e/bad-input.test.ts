import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

/** Bad input gets a clear answer, only to the person who asked, and changes nothing anywhere. */
describe('bad input from Slack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  async function ask(text: string) {
    const before = h.emulator.ephemerals.length;
    const delivery = await h.emulator.slashCommand({ text, user: people.requester, channel: channels.team });
    expect(delivery.status).toBe(200);
    const answer = await h.emulator.waitFor(
      'an ephemeral answer',
      () => h.emulator.ephemerals.slice(before)[0],
    );
    expect(answer.user).toBe(people.requester);
    return answer;
  }

  // What existed before each test: a test that creates something must not count against the next.
  let before: { requests: string[]; jobs: number; messages: number };
  beforeEach(async () => {
    before = {
      requests: (await h.redis.keys(`${h.prefix}:request:*`)).sort(),
      jobs: await h.jobCount(),
      messages: h.emulator.channelMessages(channels.team).length,
    };
  });

  async function expectNothingChanged(namespace: string | null) {
    expect((await h.redis.keys(`${h.prefix}:request:*`)).sort()).toEqual(before.requests);
    expect((await h.redis.keys(`${h.prefix}:audit:*`)).length).toBe(before.requests.length);
    expect(await h.jobCount()).toBe(before.jobs);
    expect(h.emulator.channelMessages(channels.team)).toHaveLength(before.messages);
    if (namespace)
      expect(
        await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
      ).toBeNull();
  }

  it('answers an unknown subcommand with the subcommands there are', async () => {
    const answer = await ask('ns destroy team-a-x');
    expect(answer.text).toContain("unknown subcommand 'ns destroy' (one of: create)");
    await expectNothingChanged(null);
  });

  it('answers an unknown command with a pointer to help', async () => {
    const answer = await ask('frobnicate');
    expect(answer.text).toContain("unknown command 'frobnicate'");
    expect(answer.text).toContain('/n3r help');
    await expectNothingChanged(null);
  });

  it('answers missing arguments with what is missing and the usage line', async () => {
    const answer = await ask('ns create');
    expect(answer.text).toContain('missing <name>');
    expect(answer.text).toContain('Usage: /n3r ns create <name> --cluster <cluster> --team <team>');
    const name = `team-a-x-${uniqueSuffix()}`;
    const second = await ask(`ns create ${name}`);
    expect(second.text).toContain('cluster: is required');
    expect(second.text).toContain('team: is required');
    await expectNothingChanged(name);
  });

  it('answers a name that is not a DNS label', async () => {
    const answer = await ask('ns create Team_A.Web --cluster pub-local-a --team team-a');
    expect(answer.text).toContain('name: must be a DNS label');
    await expectNothingChanged(null);
  });

  it('answers an unknown cluster with the clusters there are', async () => {
    const name = `team-a-x-${uniqueSuffix()}`;
    const answer = await ask(`ns create ${name} --cluster nowhere-1 --team team-a`);
    expect(answer.text).toContain(
      "unknown cluster 'nowhere-1' (known: pub-local-a, ded-local-a, sta-local-a, pub-local-b, pub-local2-a, pub-local2-b)",
    );
    await expectNothingChanged(name);
  });

  it('answers an unknown option and a malformed quantity', async () => {
    const name = `team-a-x-${uniqueSuffix()}`;
    expect((await ask(`ns create ${name} --cluster pub-local-a --team team-a --gpu 1`)).text).toContain(
      'unknown option --gpu',
    );
    expect((await ask(`ns create ${name} --cluster pub-local-a --team team-a --cpu lots`)).text).toContain(
      '--cpu: "lots" is not a CPU quantity (e.g. 500m, 2, 4.5)',
    );
    await expectNothingChanged(name);
  });

  it('lists every reason the policy denies, with the rule that gave it', async () => {
    const answer = await ask('ns create web --cluster pub-local-a --team team-b --cpu 64');
    expect(answer.via).toBe('chat.postEphemeral');
    expect(answer.text).toContain(
      "namespace name must start with the team prefix 'team-b-' [namespace.name.team_prefix]",
    );
    expect(answer.text).toContain("you are not a member of team 'team-b' [namespace.requester.team]");
    expect(answer.text).toContain(
      'cpu quota 64 cores is above the ceiling of 8 cores on public clusters [namespace.quota.cpu]',
    );
    await expectNothingChanged('web');
  });

  it('denies a requester outside the team', async () => {
    const name = `team-a-x-${uniqueSuffix()}`;
    const before = h.emulator.ephemerals.length;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.outsider,
      channel: channels.team,
    });
    const answer = await h.emulator.waitFor('the denial', () => h.emulator.ephemerals.slice(before)[0]);
    expect(answer.user).toBe(people.outsider);
    expect(answer.text).toContain('[namespace.requester.team]');
    await expectNothingChanged(name);
  });

  it('denies a namespace that already exists, before anything is queued', async () => {
    const name = `team-a-x-${uniqueSuffix()}`;
    await h.admin.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { fieldManager: 'someone' },
    );
    const answer = await ask(`ns create ${name} --cluster pub-local-a --team team-a`);
    expect(answer.text).toContain(
      `namespace '${name}' already exists on cluster 'pub-local-a' [namespace.exists]`,
    );
    await expectNothingChanged(null);
    const ns = await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    expect(ns?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });

  it('refuses an oversized command with a clear answer', async () => {
    const answer = await ask(`ns create ${'a'.repeat(3000)} --cluster pub-local-a --team team-a`);
    expect(answer.text).toContain('the command is too long (3046 characters; at most 2000)');
    await expectNothingChanged(null);
  });

  it('refuses a malformed interactive payload and records nothing', async () => {
    const callsBefore = h.emulator.calls.length;
    const malformed = await h.emulator.deliver('payload=%7Bnot-json', 'application/x-www-form-urlencoded');
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
    expect(h.emulator.calls.slice(callsBefore)).toEqual([]);
    await expectNothingChanged(null);
  });

  it('ignores a replayed delivery: one request however often the same signed body arrives', async () => {
    const name = `team-a-replay-${uniqueSuffix()}`;
    const first = await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const sent = h.emulator.deliveries.find((d) => d.deliveryId === first.deliveryId);
    expect(sent).toBeDefined();
    for (let i = 0; i < 3; i++) await h.emulator.redeliver(first.deliveryId, 0);
    await h.emulator.waitFor('the card', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name) && m.text.includes('Done')),
    );
    expect(h.emulator.channelMessages(channels.team).filter((m) => m.text.includes(name))).toHaveLength(1);
    expect((await h.redis.keys(`${h.prefix}:request:*`)).length).toBe(before.requests.length + 1);
  });

  it('rejects a delivery with a forged signature and records nothing', async () => {
    const name = `team-a-x-${uniqueSuffix()}`;
    const callsBefore = h.emulator.calls.length;
    const body = new URLSearchParams({
      command: '/n3r',
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user_id: people.requester,
      channel_id: channels.team,
    }).toString();
    const forged = await h.emulator.deliver(body, 'application/x-www-form-urlencoded', {
      signature: `v0=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const stale = await h.emulator.deliver(body, 'application/x-www-form-urlencoded', {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    expect(h.emulator.calls.slice(callsBefore).filter((c) => JSON.stringify(c.args).includes(name))).toEqual(
      [],
    );
    await expectNothingChanged(name);
  });
});

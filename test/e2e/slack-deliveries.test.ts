import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

const form = 'application/x-www-form-urlencoded';
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * What the bot's HTTP endpoint does with signed deliveries as Slack sends them: the timestamp window both
 * ways, malformed bodies, and the same delivery arriving four times.
 */
describe('Slack deliveries over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'http' });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** A slash command body as Slack posts it, with a trigger_id of its own. */
  function commandBody(text: string): string {
    return new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: 'T0N3RLOCAL',
      team_domain: 'n3r-local',
      channel_id: channels.team,
      channel_name: 'team-a',
      user_id: people.requester,
      user_name: 'alice',
      command: '/n3r',
      text,
      api_app_id: h.emulator.appId,
      is_enterprise_install: 'false',
      response_url: `${h.emulator.url}/commands/none`,
      trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    }).toString();
  }

  const requestsNamed = async (name: string) => {
    const keys = await h.redis.keys(`${h.prefix}:request:*`);
    const records = await Promise.all(keys.map((k) => h.redis.hget(k, 'json')));
    return records.filter((json) => json?.includes(`"${name}"`));
  };
  const namespaceExists = async (name: string) =>
    (await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) !== null;
  const cardsNamed = (name: string) =>
    h.emulator.channelMessages(channels.team).filter((m) => m.text.includes(name));
  const doneCard = (name: string) =>
    h.emulator.waitFor(`the card of ${name} to say done`, () =>
      cardsNamed(name).find((m) => m.text.includes('Done')),
    );

  it('refuses a delivery signed ten minutes ahead or ten minutes ago, and acts on neither', async () => {
    const name = `team-a-ts-${uniqueSuffix()}`;
    const callsBefore = h.emulator.calls.length;
    for (const offset of [600, -600]) {
      const answer = await h.emulator.deliver(
        commandBody(`ns create ${name} --cluster pub-local-a --team team-a`),
        form,
        { timestamp: nowSeconds() + offset },
      );
      expect(answer.status).toBe(401);
      expect(answer.body).toContain('within the last 5 minutes');
    }
    // A barrier: a delivery that is accepted and answered after the refused ones would have been.
    const barrier = `team-a-ts-${uniqueSuffix()}`;
    expect(
      (
        await h.emulator.deliver(
          commandBody(`ns create ${barrier} --cluster pub-local-a --team team-a`),
          form,
        )
      ).status,
    ).toBe(200);
    await doneCard(barrier);
    expect(await requestsNamed(name)).toEqual([]);
    expect(await namespaceExists(name)).toBe(false);
    expect(h.emulator.calls.slice(callsBefore).filter((c) => JSON.stringify(c.args).includes(name))).toEqual(
      [],
    );
  });

  it('accepts a delivery signed four minutes ahead or four minutes ago (clocks drift)', async () => {
    for (const offset of [240, -240]) {
      const name = `team-a-ts-${uniqueSuffix()}`;
      const answer = await h.emulator.deliver(
        commandBody(`ns create ${name} --cluster pub-local-a --team team-a`),
        form,
        { timestamp: nowSeconds() + offset },
      );
      expect(answer.status).toBe(200);
      await doneCard(name);
      expect(await namespaceExists(name)).toBe(true);
    }
  });

  it.each([
    ['a payload that is not JSON', 'payload=%7Bnot-json', form, 'the interaction payload is not JSON'],
    [
      'a payload without a type',
      `payload=${encodeURIComponent(JSON.stringify({ user: { id: people.approver }, actions: [] }))}`,
      form,
      'the interaction payload has no type',
    ],
    [
      'a button click without its actions',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: people.approver }, trigger_id: '1.2.3' }))}`,
      form,
      'block_actions: actions',
    ],
    [
      'a view submission without its view',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: people.requester } }))}`,
      form,
      'view_submission: view',
    ],
    [
      'a slash command without its text',
      new URLSearchParams({
        command: '/n3r',
        team_id: 'T0N3RLOCAL',
        user_id: people.requester,
        channel_id: channels.team,
        trigger_id: '1.2.3',
      }).toString(),
      form,
      'slash command: text',
    ],
    [
      'a reaction event without the item reacted to',
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T0N3RLOCAL',
        event_id: 'Ev0MALFORMED',
        event: { type: 'reaction_added', user: people.approver, reaction: 'white_check_mark' },
      }),
      'application/json',
      'reaction_added event: item',
    ],
    ['JSON without a type', '{"challenge":"x"}', 'application/json', 'the JSON body has no type'],
  ])(
    'answers %s with 400 and a plain reason, and records nothing',
    async (_what, body, contentType, reason) => {
      const callsBefore = h.emulator.calls.length;
      const ephemeralsBefore = h.emulator.ephemerals.length;
      // The worker's sweeps keep their own bookkeeping (egress IPs of namespaces other tests made) meanwhile.
      const requestKeys = async () =>
        (await h.redis.keys(`${h.prefix}:*`)).filter((k) => !k.includes(':egress-ip:')).sort();
      const keysBefore = await requestKeys();
      const answer = await h.emulator.deliver(body, contentType);
      expect(answer.status).toBe(400);
      expect(answer.body).toContain(reason);
      expect(answer.body).toMatch(/^malformed Slack delivery: /);
      expect(h.emulator.calls.slice(callsBefore)).toEqual([]);
      expect(h.emulator.ephemerals.slice(ephemeralsBefore)).toEqual([]);
      expect(await requestKeys()).toEqual(keysBefore);
    },
  );

  it('refuses a body in a content type Slack does not send, and a request that is not a POST', async () => {
    expect((await h.emulator.deliver('command=/n3r', 'text/plain')).status).toBe(415);
    expect((await fetch(`http://127.0.0.1:${h.n3r.port}/slack/events`)).status).toBe(405);
  });

  it('makes one request, one card, one job and one namespace of a command delivered four times at once', async () => {
    const name = `team-a-x4-${uniqueSuffix()}`;
    const jobsBefore = await h.jobCount();
    const body = commandBody(`ns create ${name} --cluster pub-local-a --team team-a`);
    const answers = await Promise.all(
      [0, 1, 2, 3].map((retryNum) =>
        h.emulator.deliver(body, form, { retryNum, retryReason: 'http_timeout' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await doneCard(name);
    expect(cardsNamed(name)).toHaveLength(1);
    expect(await requestsNamed(name)).toHaveLength(1);
    expect(await h.jobCount()).toBe(jobsBefore + 1);
    expect(await namespaceExists(name)).toBe(true);
  });

  it('counts one approval of a click delivered four times at once', async () => {
    const name = `team-a-x4-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster ded-local-a --team team-a --cpu 32`,
      user: people.requester,
      channel: channels.team,
    });
    const prompt = await h.emulator.waitFor('the approval prompt', () =>
      h.emulator.channelMessages(channels.approvals).find((m) => m.text.includes(name)),
    );
    const card = await h.emulator.waitFor('the card', () => cardsNamed(name)[0]);
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    const click = await h.emulator.clickButton({
      user: people.approver,
      channel: prompt.channel,
      ts: prompt.ts,
      actionId: 'n3r_approve',
    });
    await Promise.all([1, 2, 3].map((retry) => h.emulator.redeliver(click.deliveryId, retry)));
    const latest = () => h.emulator.message(prompt.channel, prompt.ts) ?? prompt;
    await h.emulator.waitFor('one approval recorded', () =>
      JSON.stringify(latest().blocks).includes('1 of 2'),
    );
    const record = await eventually('the record', async () =>
      JSON.parse((await h.redis.hget(`${h.prefix}:request:${id}`, 'json')) ?? 'null'),
    );
    expect(record.approvals).toHaveLength(1);
    expect(record.state).toBe('awaiting_approval');
    // One answer to the approver, and no "you have already approved" for the retries.
    const told = await h.emulator.waitFor('the answer to the approver', () =>
      h.emulator.ephemeralsFor(people.approver).find((e) => e.text.includes('Your approval is recorded')),
    );
    expect(told.text).toContain('1 of 2');
    expect(
      h.emulator.ephemeralsFor(people.approver).filter((e) => e.text.includes('already approved')),
    ).toEqual([]);
    expect(h.emulator.ephemeralsFor(people.approver)).toHaveLength(1);
  });

  it('answers a mention delivered four times once', async () => {
    const first = await h.emulator.mention({ user: people.teammate, channel: channels.team, text: 'help' });
    await Promise.all([1, 2, 3].map((retry) => h.emulator.redeliver(first.deliveryId, retry)));
    await h.emulator.waitFor('the answer to the mention', () =>
      h.emulator.ephemeralsFor(people.teammate).find((e) => e.text.includes('/n3r ns create')),
    );
    // A barrier: another person's mention, answered after any duplicate answer would have been.
    await h.emulator.mention({ user: people.auditor, channel: channels.team, text: 'help' });
    await h.emulator.waitFor(
      'the answer to the second mention',
      () => h.emulator.ephemeralsFor(people.auditor)[0],
    );
    expect(h.emulator.ephemeralsFor(people.teammate)).toHaveLength(1);
  });
});

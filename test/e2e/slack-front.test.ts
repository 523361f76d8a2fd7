import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { bullPrefix } from '../../src/jobs/queue-names.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

describe.each(['http', 'socket'] as const)('the Slack front (%s mode)', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode });
  });
  afterAll(async () => {
    await h.stop();
  });

  const ephemeralTo = (user: string, since: number) =>
    h.emulator.waitFor(`an ephemeral answer to ${user}`, () =>
      h.emulator.ephemerals.slice(since).find((e) => e.user === user),
    );

  async function command(text: string, user: string = people.requester) {
    const since = h.emulator.ephemerals.length;
    await h.emulator.slashCommand({ text, user, channel: channels.team });
    return (await ephemeralTo(user, since)).text;
  }

  async function createNamespace(): Promise<{ name: string; id: string }> {
    const name = `team-a-f-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card to say done', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name) && m.text.includes('Done')),
    );
    return { name, id: /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '' };
  }

  it('answers help, whoami, status and audit', async () => {
    expect(await command('help')).toContain('/n3r ns create <name>');
    expect(await command('whoami')).toContain('platform groups: team-a');
    const { id } = await createNamespace();
    expect(await command(`status ${id}`)).toContain('Done');
    const trail = await command(`audit ${id}`);
    expect(trail).toContain(`Audit trail of ${id}`);
    expect(trail).toMatch(/decided UALICE[\s\S]*job queued n3r[\s\S]*started n3r[\s\S]*succeeded n3r/);
    expect(await command(`audit ${id}`, people.outsider)).toContain(
      'Only the requester, its approvers and the audit group',
    );
    expect(await command('status r-nonexistnt')).toContain('There is no request r-nonexistnt');
    expect(await command('status 42')).toContain("'42' is not a request id");
  });

  it('answers a mention with help', async () => {
    const since = h.emulator.ephemerals.length;
    await h.emulator.mention({ user: people.teammate, channel: channels.team, text: '<@U0N3RBOT> help' });
    expect((await ephemeralTo(people.teammate, since)).text).toContain('/n3r ns create');
  });

  it('makes one request and one job of a command delivered four times', async () => {
    const name = `team-a-dup-${uniqueSuffix()}`;
    const first = await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    for (const retry of [1, 2, 3]) await h.emulator.redeliver(first.deliveryId, retry);
    await h.emulator.waitFor('the card to say done', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name) && m.text.includes('Done')),
    );
    expect(h.emulator.channelMessages(channels.team).filter((m) => m.text.includes(name))).toHaveLength(1);
    const records = await h.redis.keys(`${h.prefix}:request:*`);
    const mine = (await Promise.all(records.map((k) => h.redis.hget(k, 'json')))).filter((j) =>
      j?.includes(name),
    );
    expect(mine).toHaveLength(1);
  });

  it('opens the typed form from the shortcut and creates the request from it', async () => {
    await h.emulator.globalShortcut({ user: people.requester, callbackId: 'n3r_new_request' });
    const picker = await h.emulator.waitFor('the kind picker', () =>
      h.emulator.openModals(people.requester).at(-1),
    );
    await h.emulator.submitView({
      user: people.requester,
      viewId: picker.id,
      values: { kind: { value: { selected: 'namespace.create' } } },
    });
    const form = await h.emulator.waitFor('the namespace form', () =>
      h.emulator.openModals(people.requester).find((v) => v.callbackId === 'n3r_form:namespace.create'),
    );
    const bad = await h.emulator.submitView({
      user: people.requester,
      viewId: form.id,
      values: {
        name: { value: 'Not_A_Label' },
        cluster: { value: { selected: 'pub-local-a' } },
        team: { value: { selected: 'team-a' } },
      },
    });
    expect(JSON.stringify(bad.response)).toContain('must be a DNS label');
    const name = `team-a-form-${uniqueSuffix()}`;
    await h.emulator.submitView({
      user: people.requester,
      viewId: form.id,
      values: {
        name: { value: name },
        cluster: { value: { selected: 'pub-local-a' } },
        team: { value: { selected: 'team-a' } },
      },
    });
    await h.emulator.waitFor('the card in the direct messages', () =>
      h.emulator.messages.find(
        (m) =>
          m.channel === h.emulator.dmChannel(people.requester) &&
          m.text.includes(name) &&
          m.text.includes('Done'),
      ),
    );
  });

  it("lists the person's recent requests on App Home", async () => {
    const { id } = await createNamespace();
    await h.emulator.appHomeOpened({ user: people.requester });
    const home = await h.emulator.waitFor('App Home', () => {
      const view = h.emulator.homeOf(people.requester);
      return view && JSON.stringify(view.view).includes(id) ? view : undefined;
    });
    expect(JSON.stringify(home.view)).toContain('n3r_open_form_0');
  });

  it('expires a request nobody approved, when its timer fires', async () => {
    const name = `team-a-exp-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster ded-local-a --team team-a --cpu 32`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card', () =>
      h.emulator
        .channelMessages(channels.team)
        .find((m) => m.text.includes(name) && m.text.includes('Waiting')),
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    const timers = new Queue('timers', { connection: h.redis, prefix: bullPrefix(h.prefix) });
    const timer = await eventually('the expiry timer', () => timers.getJob(`expire-${id}`));
    expect(timer?.opts.delay).toBeGreaterThan(23 * 3600 * 1000);
    await timer?.promote(); // the 24 hours have passed
    await h.emulator.waitFor('the card to say expired', () =>
      h.emulator.message(card.channel, card.ts)?.text.includes('Expired'),
    );
    const prompt = h.emulator.channelMessages(channels.approvals).find((m) => m.text.includes(name));
    expect(prompt?.text).toContain('expired');
    await timers.close();
  });
});

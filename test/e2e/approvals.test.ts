import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

/**
 * Requests the policy sends for approval: a namespace on a dedicated cluster above the base quota needs
 * two approvals from n3r-approvers-dedicated (bob and dave).
 */
describe.each(['http', 'socket'] as const)('approvals in Slack (%s mode)', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode });
  });
  afterAll(async () => {
    await h.stop();
  });

  async function askBig(): Promise<{ name: string; id: string; prompt: StoredMessage; card: StoredMessage }> {
    const name = `team-a-big-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster ded-local-a --team team-a --cpu 32`,
      user: people.requester,
      channel: channels.team,
    });
    const prompt = await h.emulator.waitFor('the approval prompt', () =>
      h.emulator.channelMessages(channels.approvals).find((m) => m.text.includes(name)),
    );
    const card = await h.emulator.waitFor('the card', () =>
      h.emulator
        .channelMessages(channels.team)
        .find((m) => m.text.includes(name) && m.text.includes('Waiting for approval')),
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    return { name, id, prompt, card };
  }

  const latest = (m: StoredMessage) => h.emulator.message(m.channel, m.ts) ?? m;
  const stateOf = async (id: string) =>
    (await h.redis.hget(`${h.prefix}:request:${id}`, 'json').then((j) => JSON.parse(j ?? '{}')))
      .state as string;
  const ephemeralTo = (user: string, since: number) =>
    h.emulator.waitFor(`an ephemeral answer to ${user}`, () =>
      h.emulator.ephemerals.slice(since).find((e) => e.user === user),
    );
  const namespaceExists = async (name: string) =>
    (await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) !== null;

  it('shows approvers what is asked, by whom, why, who may approve, how many, and until when', async () => {
    const { name, prompt } = await askBig();
    const text = JSON.stringify(prompt.blocks);
    expect(prompt.text).toContain(name);
    expect(text).toContain(`<@${people.requester}>`);
    expect(text).toContain('cpu quota above 16 cores');
    expect(text).toContain('n3r-approvers-dedicated');
    expect(text).toContain('0 of 2');
    expect(text).toMatch(/Expires\*\\n20\d\d-/);
    // The worker's dry run shows approvers exactly what would be created, before anyone approves.
    const previewed = await h.emulator.waitFor('the dry run in the prompt', () =>
      JSON.stringify(latest(prompt).blocks).includes('What will change') ? latest(prompt) : undefined,
    );
    const shown = JSON.stringify(previewed.blocks);
    expect(shown).toContain(`Namespace ${name} (new)`);
    expect(shown).toContain(`ResourceQuota ${name}/n3r-quota`);
    expect(await namespaceExists(name)).toBe(false);
  });

  it('goes ahead after two approvals (button and reaction), and not after one', async () => {
    const { name, id, prompt, card } = await askBig();
    await h.emulator.clickButton({
      user: people.approver,
      channel: prompt.channel,
      ts: prompt.ts,
      actionId: 'n3r_approve',
    });
    await h.emulator.waitFor('one approval recorded', () =>
      JSON.stringify(latest(prompt).blocks).includes('1 of 2'),
    );
    expect(await stateOf(id)).toBe('awaiting_approval');
    expect(await namespaceExists(name)).toBe(false);

    await h.emulator.addReaction({
      user: people.secondApprover,
      channel: prompt.channel,
      ts: prompt.ts,
      reaction: 'white_check_mark',
    });
    await h.emulator.waitFor('the card to say done', () => latest(card).text.includes('Done'));
    expect(await namespaceExists(name)).toBe(true);
    expect(JSON.stringify(latest(prompt).blocks)).not.toContain('n3r_approve');
    const trail = await h.redis.xrange(`${h.prefix}:audit:${id}`, '-', '+');
    const events = trail.map(([, f]) => `${f[1]}:${f[3]}`);
    expect(events).toEqual(
      expect.arrayContaining([
        'decided:UALICE',
        'approval requested:n3r',
        `approved:${people.approver}`,
        `approved:${people.secondApprover}`,
        'succeeded:n3r',
      ]),
    );
  });

  it('refuses the requester approving their own request, and says so only to them', async () => {
    const { id, prompt } = await askBig();
    const since = h.emulator.ephemerals.length;
    await h.emulator.clickButton({
      user: people.requester,
      channel: prompt.channel,
      ts: prompt.ts,
      actionId: 'n3r_approve',
    });
    expect((await ephemeralTo(people.requester, since)).text).toContain(
      'cannot approve or reject your own request',
    );
    expect(await stateOf(id)).toBe('awaiting_approval');
    expect(JSON.stringify(latest(prompt).blocks)).toContain('0 of 2');
  });

  it('refuses someone outside the approver groups', async () => {
    const { id, prompt } = await askBig();
    const since = h.emulator.ephemerals.length;
    await h.emulator.addReaction({
      user: people.teammate,
      channel: prompt.channel,
      ts: prompt.ts,
      reaction: 'white_check_mark',
    });
    expect((await ephemeralTo(people.teammate, since)).text).toContain(
      'Only members of n3r-approvers-dedicated',
    );
    expect(await stateOf(id)).toBe('awaiting_approval');
  });

  it('rejects with a reason from the modal; nothing is created', async () => {
    const { name, id, prompt, card } = await askBig();
    await h.emulator.clickButton({
      user: people.approver,
      channel: prompt.channel,
      ts: prompt.ts,
      actionId: 'n3r_reject',
    });
    const modal = await h.emulator.waitFor('the reason modal', () =>
      h.emulator.openModals(people.approver).at(-1),
    );
    const empty = await h.emulator.submitView({
      user: people.approver,
      viewId: modal.id,
      values: { reason: { value: '   ' } },
    });
    expect(JSON.stringify(empty.response)).toContain('Say why');
    await h.emulator.submitView({
      user: people.approver,
      viewId: modal.id,
      values: { reason: { value: 'use two namespaces of 16 cores' } },
    });
    await h.emulator.waitFor('the card to say rejected', () => latest(card).text.includes('Rejected'));
    expect(JSON.stringify(latest(card).blocks)).toContain('use two namespaces of 16 cores');
    await h.emulator.waitFor('the reason in the thread', () =>
      h.emulator
        .threadReplies(card.channel, card.ts)
        .some((m) => m.text.includes('use two namespaces of 16 cores')),
    );
    expect(await stateOf(id)).toBe('rejected');
    expect(await namespaceExists(name)).toBe(false);
    expect(await h.hasJob('ded-local-a', id)).toBe(false);
  });

  it('lets the requester cancel, after which approvals change nothing', async () => {
    const { name, id, prompt, card } = await askBig();
    await h.emulator.slashCommand({ text: `cancel ${id}`, user: people.requester, channel: channels.team });
    await h.emulator.waitFor('the card to say cancelled', () => latest(card).text.includes('Cancelled'));
    await h.emulator.waitFor(
      'the prompt to lose its buttons',
      () => !JSON.stringify(latest(prompt).blocks).includes('n3r_approve'),
    );
    expect(latest(prompt).text).toContain('cancelled');
    const since = h.emulator.ephemerals.length;
    await h.emulator.addReaction({
      user: people.approver,
      channel: prompt.channel,
      ts: prompt.ts,
      reaction: 'white_check_mark',
    });
    expect((await ephemeralTo(people.approver, since)).text).toContain('no longer waiting for approval');
    expect(await stateOf(id)).toBe('cancelled');
    expect(await namespaceExists(name)).toBe(false);
  });

  it('counts one approval however often the same click is delivered', async () => {
    const { id, prompt } = await askBig();
    const click = await h.emulator.clickButton({
      user: people.approver,
      channel: prompt.channel,
      ts: prompt.ts,
      actionId: 'n3r_approve',
    });
    for (const retry of [1, 2, 3]) await h.emulator.redeliver(click.deliveryId, retry);
    await h.emulator.waitFor('one approval recorded', () =>
      JSON.stringify(latest(prompt).blocks).includes('1 of 2'),
    );
    const record = JSON.parse((await h.redis.hget(`${h.prefix}:request:${id}`, 'json')) ?? '{}') as {
      approvals: unknown[];
    };
    expect(record.approvals).toHaveLength(1);
  });
});

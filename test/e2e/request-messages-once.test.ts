import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import type { RequestRecord } from '../../src/core/request.js';
import { BullmqJobQueue } from '../../src/jobs/bullmq-job-queue.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

/**
 * A crash between posting a request's message and recording it must not show it twice: one card per
 * request, one reply telling how it ended.
 */
describe('each request message once, across a crash between posting and recording it', () => {
  let h: Harness;
  let queue: BullmqJobQueue;
  beforeAll(async () => {
    h = await startHarness({ mode: 'socket' });
    queue = new BullmqJobQueue(h.redis, h.prefix);
  });
  afterAll(async () => {
    await queue.close();
    await h.stop();
  });

  const key = (id: string) => `${h.prefix}:request:${id}`;
  const recordOf = async (id: string) =>
    JSON.parse((await h.redis.hget(key(id), 'json')) ?? '{}') as RequestRecord;
  /** The record as a crash right after posting its message would have left it. */
  const rewrite = async (id: string, change: (r: RequestRecord) => RequestRecord) =>
    h.redis.hset(key(id), 'json', JSON.stringify(change(await recordOf(id))));
  const parentsOf = (id: string) =>
    h.emulator.channelMessages(channels.team).filter((m) => m.text.includes(` ${id}:`));
  const latest = (m: StoredMessage) => h.emulator.message(m.channel, m.ts) ?? m;

  it('finds the card whose ts was never stored and redraws it in place: one parent message', async () => {
    const name = `team-a-once-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster ded-local-a --team team-a --cpu 32`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card', () =>
      h.emulator
        .channelMessages(channels.team)
        .find((m) => m.text.includes(name) && m.text.includes('Waiting for approval')),
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    const prompt = await h.emulator.waitFor('the dry run in the approval prompt', () =>
      h.emulator
        .channelMessages(channels.approvals)
        .find((m) => m.text.includes(name) && JSON.stringify(latest(m).blocks).includes('What will change')),
    );
    expect(prompt).toBeDefined();
    await rewrite(id, (r) => ({ ...r, card: null }));

    await h.emulator.slashCommand({ text: `cancel ${id}`, user: people.requester, channel: channels.team });
    await h.emulator.waitFor('the card to say cancelled', () => latest(card).text.includes('Cancelled'));
    await eventually('the card to be recorded again', async () => (await recordOf(id)).card?.ts === card.ts);
    expect(parentsOf(id)).toHaveLength(1);
    expect(
      h.emulator.threadReplies(card.channel, card.ts).filter((m) => m.text.startsWith(':heavy_minus_sign:')),
    ).toHaveLength(1);
  });

  it('tells a request’s end once when a job catches up on a report that was told but not recorded', async () => {
    const name = `team-a-told-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a --cpu 1 --memory 1Gi`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name)),
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    const done = () =>
      h.emulator.threadReplies(card.channel, card.ts).filter((m) => m.text.startsWith(':white_check_mark:'));
    await h.emulator.waitFor('the ✅ reply', () => done().length > 0);
    await eventually(
      'the report to be recorded',
      async () => (await recordOf(id)).reportedState === 'succeeded',
    );

    // A crash between telling and recording it, then the job runs again (a stalled job is retried).
    await rewrite(id, (r) => ({ ...r, reportedState: null }));
    const job = await eventually('the finished job', () => queue.queueFor('pub-local-a').getJob(id));
    await job.remove();
    await queue.enqueue(await recordOf(id));
    await eventually(
      'the catch-up to be recorded',
      async () => (await recordOf(id)).reportedState === 'succeeded',
    );

    expect(done()).toHaveLength(1);
    expect(parentsOf(id)).toHaveLength(1);
    expect(latest(card).text).toContain('Done');
  });
});

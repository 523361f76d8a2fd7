import { describe, expect, it } from 'vitest';
import { threadReply } from '../../../src/bot/views/request-thread.js';
import { requestRecord } from '../../support/builders.js';

const sectionText = (message: ReturnType<typeof threadReply>) =>
  (message?.blocks[0] as { text?: { text: string } } | undefined)?.text?.text;

describe('what a request thread shows for each lifecycle event', () => {
  it('names who rejected as a mention and shows their reason as text, never as markup', () => {
    const reply = threadReply({
      type: 'rejected',
      record: requestRecord({ state: 'rejected' }),
      by: 'UBOB',
      reason: 'use <!channel> & a smaller quota',
    });
    expect(reply?.text).toBe(':no_entry: Rejected by <@UBOB>: use &lt;!channel&gt; &amp; a smaller quota');
    expect(sectionText(reply)).toBe(reply?.text);
  });

  it('prefixes progress lines with their cluster for a request over several clusters', () => {
    const reply = threadReply({
      type: 'step_progress',
      record: requestRecord({ state: 'running' }),
      lines: ['1/2 replicas ready', '2/2 replicas ready'],
      cluster: 'pub-local-b',
    });
    expect(reply?.text).toBe('pub-local-b: 1/2 replicas ready\npub-local-b: 2/2 replicas ready');
  });

  it('says a retry is coming, which attempt, and that nothing is lost', () => {
    const reply = threadReply({
      type: 'retrying',
      record: requestRecord({ state: 'running' }),
      reason: 'the cluster did not answer',
      attempt: 1,
      attempts: 5,
    });
    expect(reply?.text).toBe(
      ':hourglass: the cluster did not answer. Trying again (attempt 2 of 5); nothing is lost meanwhile.',
    );
  });

  it('shows a result summary and its details, and a failure with its reason', () => {
    const done = requestRecord({
      state: 'succeeded',
      result: { summary: 'namespace team-a-web created', details: ['quota cpu 4'] },
    });
    expect(threadReply({ type: 'succeeded', record: done })?.text).toBe(
      ':white_check_mark: namespace team-a-web created\nquota cpu 4',
    );
    const failed = requestRecord({ state: 'failed', error: 'the policy no longer allows this request' });
    expect(threadReply({ type: 'failed', record: failed })?.text).toBe(
      ':x: the policy no longer allows this request',
    );
  });

  it('says whether a grant ended on time or was ended by someone', () => {
    const record = requestRecord({ state: 'succeeded' });
    expect(threadReply({ type: 'revoked', record, summary: 'ACL closed', by: null })?.text).toBe(
      ':lock: <@UALICE> ACL closed (its time is up)',
    );
    expect(threadReply({ type: 'revoked', record, summary: 'ACL closed', by: 'UCAROL' })?.text).toBe(
      ':lock: <@UALICE> ACL closed (ended by <@UCAROL>)',
    );
  });

  it('adds nothing to the thread for events that only redraw messages', () => {
    const record = requestRecord();
    for (const type of ['submitted', 'awaiting_approvals', 'decided', 'started'] as const) {
      expect(threadReply({ type, record })).toBeNull();
    }
  });
});

import type { LifecycleEvent } from '../../core/lifecycle-events.js';
import type { RequestRecord } from '../../core/request.js';
import { escapeMrkdwn, type SlackMessage, section } from './primitives.js';

/**
 * Where a request's replies go: the channel of its card (or where it was asked), in the thread it was asked
 * in (an alert thread), else in its card's thread.
 */
export function threadOf(record: RequestRecord): { channel: string; thread_ts?: string } {
  const channel = record.card?.channel ?? record.channel;
  const thread = record.threadTs ?? record.card?.ts;
  return thread ? { channel, thread_ts: thread } : { channel };
}

const reply = (text: string): SlackMessage => ({ text, blocks: [section(text)] });
const inCluster = (cluster: string | undefined) => (cluster ? `${escapeMrkdwn(cluster)}: ` : '');
const lines = (first: string, rest: readonly string[]) => [first, ...rest.map(escapeMrkdwn)].join('\n');

/** The reply an event adds to the request's thread, or null for events that only redraw messages. */
export function threadReply(event: LifecycleEvent): SlackMessage | null {
  switch (event.type) {
    case 'rejected':
      return reply(`:no_entry: Rejected by <@${event.by}>: ${escapeMrkdwn(event.reason)}`);
    case 'cancelled':
      return reply(`:heavy_minus_sign: Cancelled by <@${event.by}>`);
    case 'expired':
      return reply(':alarm_clock: Expired: not enough approvals in time');
    case 'step_progress':
      return reply(event.lines.map((line) => `${inCluster(event.cluster)}${escapeMrkdwn(line)}`).join('\n'));
    case 'retrying': {
      const next = `Trying again (attempt ${event.attempt + 1} of ${event.attempts})`;
      const meanwhile = event.cluster ? 'the other clusters go on meanwhile' : 'nothing is lost meanwhile';
      return reply(
        `:hourglass: ${inCluster(event.cluster)}${escapeMrkdwn(event.reason)}. ${next}; ${meanwhile}.`,
      );
    }
    case 'part_settled':
      return reply(
        event.outcome.state === 'succeeded'
          ? lines(
              `:white_check_mark: ${inCluster(event.cluster)}${escapeMrkdwn(event.outcome.result.summary)}`,
              event.outcome.result.details,
            )
          : `:x: ${inCluster(event.cluster)}${escapeMrkdwn(event.outcome.error)}`,
      );
    case 'succeeded': {
      const result = event.record.result;
      return reply(
        lines(`:white_check_mark: ${escapeMrkdwn(result?.summary ?? 'done')}`, result?.details ?? []),
      );
    }
    case 'failed': {
      const record = event.record;
      // A request over several clusters keeps, even when it failed, what each one did.
      const details = record.targets ? (record.result?.details ?? []) : [];
      return reply(lines(`:x: ${escapeMrkdwn(record.error ?? 'failed')}`, details));
    }
    case 'revoked': {
      const why = event.by ? `ended by <@${event.by}>` : 'its time is up';
      // The requester is named, so Slack tells them their access ended.
      return reply(`:lock: <@${event.record.requester.slackId}> ${escapeMrkdwn(event.summary)} (${why})`);
    }
    case 'submitted':
    case 'awaiting_approvals':
    case 'decided':
    case 'approved_by':
    case 'started':
      return null;
  }
}

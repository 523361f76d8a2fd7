import type { MessageMetadata, WebClient } from '@slack/web-api';
import type { MessageRef, RequestRecord } from '../core/request.js';

/**
 * The request's own messages carry Slack message metadata naming the request, so that the bot can find them
 * again when the record does not say where they are: a crash between posting a message and recording it
 * must not lead to a second one.
 */
export const requestMetadataTypes = {
  /** The request card. */
  card: 'n3r_request',
  /** The reply that tells how a request ended (✅ or ❌). */
  settled: 'n3r_request_settled',
} as const;

export function cardMetadata(record: RequestRecord): MessageMetadata {
  return { event_type: requestMetadataTypes.card, event_payload: { request_id: record.id } };
}

export function settledMetadata(record: RequestRecord): MessageMetadata {
  return {
    event_type: requestMetadataTypes.settled,
    event_payload: { request_id: record.id, state: record.state },
  };
}

/** Messages read per call: the card is among the first messages after the request was made. */
const pageSize = 50;
/** Pages read at most: a channel busier than this since the request was made is not searched further. */
const maxPages = 10;

/**
 * Slack's answers that mean the bot cannot read the conversation (no history scope for its type, not a
 * member): the message cannot be found, which is not a failure to find it.
 */
const unreadable = new Set(['missing_scope', 'not_in_channel', 'channel_not_found']);

interface Found {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

function matches(
  message: Found,
  eventType: string,
  requestId: string,
  payload: Record<string, unknown> = {},
): boolean {
  const metadata = message.metadata;
  if (metadata?.event_type !== eventType || metadata.event_payload?.request_id !== requestId) return false;
  return Object.entries(payload).every(([key, value]) => metadata.event_payload?.[key] === value);
}

/**
 * The request's card as Slack has it, when the record lost where it is: in the thread the request was made
 * in (`threadTs`), else among the channel's messages since the request was made. Null when there is none,
 * or when the bot may not read the conversation; other Slack failures throw (the event is not shown, and
 * the next one looks again), so that a card is never posted twice because Slack did not answer.
 */
export async function findCard(client: WebClient, record: RequestRecord): Promise<MessageRef | null> {
  const oldest = ((Date.parse(record.createdAt) - 1000) / 1000).toFixed(6);
  const found = await search(
    (cursor) =>
      record.threadTs
        ? client.conversations.replies({
            channel: record.channel,
            ts: record.threadTs,
            oldest,
            include_all_metadata: true,
            limit: pageSize,
            ...(cursor ? { cursor } : {}),
          })
        : client.conversations.history({
            channel: record.channel,
            oldest,
            include_all_metadata: true,
            limit: pageSize,
            ...(cursor ? { cursor } : {}),
          }),
    (m) => matches(m, requestMetadataTypes.card, record.id),
  );
  return found?.ts ? { channel: record.channel, ts: found.ts } : null;
}

/** Whether the reply telling the request's end (in its present state) is in the thread `thread` already. */
export async function settledReplyIn(
  client: WebClient,
  record: RequestRecord,
  thread: MessageRef,
): Promise<boolean> {
  const found = await search(
    (cursor) =>
      client.conversations.replies({
        channel: thread.channel,
        ts: thread.ts,
        include_all_metadata: true,
        limit: pageSize,
        ...(cursor ? { cursor } : {}),
      }),
    (m) => matches(m, requestMetadataTypes.settled, record.id, { state: record.state }),
  );
  return found !== null;
}

async function search(
  read: (cursor: string | undefined) => Promise<{
    messages?: Found[];
    response_metadata?: { next_cursor?: string };
  }>,
  wanted: (message: Found) => boolean,
): Promise<Found | null> {
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    let answer: Awaited<ReturnType<typeof read>>;
    try {
      answer = await read(cursor);
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error;
      if (typeof code === 'string' && unreadable.has(code)) return null;
      throw error;
    }
    const found = (answer.messages ?? []).find(wanted);
    if (found) return found;
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}

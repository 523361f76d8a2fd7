import { checkBlocks, checkMessageText } from './block-kit-limits.js';
import type { SlackState } from './slack-state.js';
import type { Json } from './slack-types.js';

export type ResponseOutcome = { ok: true } | { ok: false; error: string };

/** Where a message response goes: the person and channel of the command or action, and its message. */
export interface ResponseOrigin {
  channel: string;
  user: string;
  messageTs: string | null;
}

/** An ack body or response_url body: JSON, or plain text that Slack shows as the message text. */
export function parseResponseBody(raw: string): Json {
  if (raw.trim() === '') return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Json) : { text: String(parsed) };
  } catch {
    return { text: raw };
  }
}

const isTrue = (value: unknown): boolean => value === true || value === 'true';

/**
 * A message response to a command or action, as Slack applies it: `delete_original`, `replace_original`
 * (the action's message), `response_type: in_channel` (a message everyone sees), or else an ephemeral
 * message to the person. Invalid text or blocks are refused with Slack's error and recorded as rejected.
 */
export function applyMessageResponse(
  state: SlackState,
  origin: ResponseOrigin,
  body: Json,
  via: 'ack' | 'response_url',
): ResponseOutcome {
  const original =
    origin.messageTs === null ? undefined : state.findMessage(origin.channel, origin.messageTs);
  if (isTrue(body.delete_original)) {
    if (!original) return refuse(state, via, 'message_not_found', 'delete_original: no original message');
    state.remove(original);
    return { ok: true };
  }
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? (body.blocks as unknown[]) : undefined;
  if (text === '' && (blocks === undefined || blocks.length === 0)) {
    // An empty ack is no message at all; a response_url post must say something.
    return via === 'ack' ? { ok: true } : refuse(state, via, 'no_text', 'the response has no text or blocks');
  }
  const problem = checkBlocks(body.blocks, 50) ?? checkMessageText(body.text);
  if (problem) return refuse(state, via, problem.error, problem.message);
  if (isTrue(body.replace_original) && original) {
    state.update(original, text, blocks ?? []);
  } else if (body.response_type === 'in_channel') {
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : null;
    state.post(origin.channel, threadTs, state.identity.botUserId, text, blocks ?? []);
  } else {
    state.ephemeral({ channel: origin.channel, user: origin.user, text, blocks: blocks ?? [], via });
  }
  return { ok: true };
}

function refuse(
  state: SlackState,
  via: 'ack' | 'response_url',
  error: string,
  message: string,
): ResponseOutcome {
  state.reject({ via, error, message });
  return { ok: false, error };
}

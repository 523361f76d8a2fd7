import type { MessageMetadata, WebClient } from '@slack/web-api';
import type { MessageRef } from '../core/request.js';
import { AppError } from '../errors.js';
import type { SlackMessage } from './views/primitives.js';

/**
 * Posts a message (in a thread when `threadTs` is given, with Slack message metadata when given) and returns
 * where it landed.
 */
export async function postMessage(
  client: WebClient,
  channel: string,
  message: SlackMessage,
  threadTs?: string,
  metadata?: MessageMetadata,
): Promise<MessageRef> {
  const posted = await client.chat.postMessage({
    channel,
    ...message,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    ...(metadata ? { metadata } : {}),
  });
  if (!posted.channel || !posted.ts)
    throw new AppError('UPSTREAM_UNAVAILABLE', 'chat.postMessage returned no channel or ts', {
      retryable: true,
    });
  return { channel: posted.channel, ts: posted.ts };
}

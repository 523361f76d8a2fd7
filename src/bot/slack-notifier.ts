import type { WebClient } from '@slack/web-api';
import type { Notifier } from '../core/ports.js';
import type { MessageRef, RequestRecord } from '../core/request.js';
import { requestCard } from './blocks.js';

/** The Notifier port on Slack's Web API: the request card and its thread. */
export class SlackNotifier implements Notifier {
  constructor(private readonly client: WebClient) {}

  async postCard(record: RequestRecord): Promise<MessageRef> {
    const posted = await this.client.chat.postMessage({ channel: record.channel, ...requestCard(record) });
    if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no channel or ts');
    return { channel: posted.channel, ts: posted.ts };
  }

  async updateCard(record: RequestRecord): Promise<void> {
    // A request whose card was never posted (Slack was down) gets a fresh one rather than nothing.
    if (!record.card) {
      await this.postCard(record);
      return;
    }
    await this.client.chat.update({
      channel: record.card.channel,
      ts: record.card.ts,
      ...requestCard(record),
    });
  }

  async replyInThread(record: RequestRecord, text: string): Promise<void> {
    await this.client.chat.postMessage({
      channel: record.card?.channel ?? record.channel,
      ...(record.card ? { thread_ts: record.card.ts } : {}),
      text,
    });
  }
}

import type { WebClient } from '@slack/web-api';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import type { Notifier } from '../core/ports.js';
import type { MessageRef, RequestRecord } from '../core/request.js';
import { approvalPrompt } from './views/approval-prompt.js';
import { requestCard } from './views/request-card.js';

/** The Notifier port on Slack's Web API: the request card and its thread, and the approval prompt. */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: WebClient,
    private readonly approverChannels: ClusterRegistry['approverChannels'],
  ) {}

  async postCard(record: RequestRecord): Promise<MessageRef> {
    return this.post(record.channel, requestCard(record), record.threadTs);
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
      ...(record.threadTs
        ? { thread_ts: record.threadTs }
        : record.card
          ? { thread_ts: record.card.ts }
          : {}),
      text,
    });
  }

  async postPrompt(record: RequestRecord): Promise<MessageRef> {
    return this.post(this.approverChannels[record.cluster.type], approvalPrompt(record));
  }

  async updatePrompt(record: RequestRecord): Promise<void> {
    if (!record.prompt) return;
    await this.client.chat.update({
      channel: record.prompt.channel,
      ts: record.prompt.ts,
      ...approvalPrompt(record),
    });
  }

  private async post(
    channel: string,
    message: ReturnType<typeof requestCard>,
    threadTs?: string,
  ): Promise<MessageRef> {
    const posted = await this.client.chat.postMessage({
      channel,
      ...message,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no channel or ts');
    return { channel: posted.channel, ts: posted.ts };
  }
}

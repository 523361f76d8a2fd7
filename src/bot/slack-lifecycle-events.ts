import type { WebClient } from '@slack/web-api';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import type { LifecycleEvent, LifecycleEvents, PostedMessages } from '../core/lifecycle-events.js';
import type { MessageRef, RequestRecord } from '../core/request.js';
import { postMessage } from './post-message.js';
import { shareOutput } from './share-output.js';
import { approvalPrompt } from './views/approval-prompt.js';
import type { SlackMessage } from './views/primitives.js';
import { requestCard } from './views/request-card.js';
import { threadOf, threadReply } from './views/request-thread.js';

/**
 * Core's lifecycle events in Slack: the request card where the request was made (redrawn in place), the
 * approval prompt in the approvers' channel of the cluster type, and replies in the card's thread.
 */
export class SlackLifecycleEvents implements LifecycleEvents {
  constructor(
    private readonly client: WebClient,
    private readonly approverChannels: ClusterRegistry['approverChannels'],
  ) {}

  async publish(event: LifecycleEvent): Promise<PostedMessages> {
    const { record } = event;
    switch (event.type) {
      case 'submitted':
        return { card: await this.postCard(record) };
      case 'awaiting_approvals':
        return {
          prompt: await this.post(this.approverChannels[record.cluster.type], approvalPrompt(record)),
        };
      case 'started':
        await this.redrawCard(record);
        return {};
      case 'step_progress':
      case 'retrying':
      case 'part_settled':
        await this.reply(event);
        return {};
      case 'revoked':
        await this.redrawCard(record);
        await this.reply(event);
        return {};
      case 'decided':
      case 'approved_by':
        await this.redrawPrompt(record);
        await this.redrawCard(record);
        return {};
      case 'rejected':
      case 'cancelled':
      case 'expired':
      case 'failed':
        await this.redrawPrompt(record);
        await this.redrawCard(record);
        await this.reply(event);
        return {};
      case 'succeeded': {
        await this.redrawPrompt(record);
        await this.redrawCard(record);
        await this.reply(event);
        const output = record.result?.output;
        if (output) await shareOutput(this.client, record, output);
        return {};
      }
    }
  }

  private postCard(record: RequestRecord): Promise<MessageRef> {
    return this.post(record.channel, requestCard(record), record.threadTs);
  }

  private async redrawCard(record: RequestRecord): Promise<void> {
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

  private async redrawPrompt(record: RequestRecord): Promise<void> {
    if (!record.prompt) return;
    await this.client.chat.update({
      channel: record.prompt.channel,
      ts: record.prompt.ts,
      ...approvalPrompt(record),
    });
  }

  private async reply(event: LifecycleEvent): Promise<void> {
    const message = threadReply(event);
    if (!message) return;
    const { record } = event;
    await this.client.chat.postMessage({
      channel: record.card?.channel ?? record.channel,
      ...threadOf(record),
      ...message,
    });
  }

  private post(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef> {
    return postMessage(this.client, channel, message, threadTs);
  }
}

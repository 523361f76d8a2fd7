import type { WebClient } from '@slack/web-api';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import type { LifecycleEvent, LifecycleEvents, PostedMessages } from '../core/lifecycle-events.js';
import type { MessageRef, RequestRecord } from '../core/request.js';
import { postMessage } from './post-message.js';
import { cardMetadata, findCard, settledMetadata, settledReplyIn } from './request-messages.js';
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
      case 'step_progress':
      case 'retrying':
      case 'part_settled':
        await this.reply(event);
        return {};
      case 'revoked': {
        const posted = await this.redrawCard(record);
        await this.reply(withCard(event, posted));
        return posted;
      }
      case 'started':
        return this.redrawCard(record);
      case 'decided':
      case 'approved_by': {
        await this.redrawPrompt(record);
        return this.redrawCard(record);
      }
      case 'rejected':
      case 'cancelled':
      case 'expired': {
        await this.redrawPrompt(record);
        const posted = await this.redrawCard(record);
        await this.reply(withCard(event, posted));
        return posted;
      }
      case 'failed':
      case 'succeeded': {
        await this.redrawPrompt(record);
        const posted = await this.redrawCard(record);
        const shown = withCard(event, posted);
        // Told before, perhaps (a crash between telling and recording it): told again only if it is not there.
        if (event.again && (await this.settledReplyShown(shown.record))) return posted;
        await this.reply(shown);
        const output = shown.type === 'succeeded' ? shown.record.result?.output : undefined;
        if (output) await shareOutput(this.client, shown.record, output);
        return posted;
      }
    }
  }

  private postCard(record: RequestRecord): Promise<MessageRef> {
    return postMessage(
      this.client,
      record.channel,
      requestCard(record),
      record.threadTs,
      cardMetadata(record),
    );
  }

  /**
   * Redraws the request's card. A record that does not know its card (a crash came between posting it and
   * recording it, or Slack was down) has it found by its metadata and redrawn, or, when there is none, gets a
   * fresh one: either way the card is returned for the record to keep, and the request has one card.
   */
  private async redrawCard(record: RequestRecord): Promise<PostedMessages> {
    const card = record.card ?? (await findCard(this.client, record));
    if (!card) return { card: await this.postCard(record) };
    await this.client.chat.update({ channel: card.channel, ts: card.ts, ...requestCard(record) });
    return record.card ? {} : { card };
  }

  private async settledReplyShown(record: RequestRecord): Promise<boolean> {
    const where = threadOf(record);
    if (!where.thread_ts) return false;
    return settledReplyIn(this.client, record, { channel: where.channel, ts: where.thread_ts });
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
    const settled = event.type === 'succeeded' || event.type === 'failed';
    await this.client.chat.postMessage({
      ...threadOf(record),
      ...message,
      ...(settled ? { metadata: settledMetadata(record) } : {}),
    });
  }

  private post(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef> {
    return postMessage(this.client, channel, message, threadTs);
  }
}

/** The event with the card the adapter found or posted for a record that did not know it. */
function withCard<E extends LifecycleEvent>(event: E, posted: PostedMessages): E {
  return posted.card ? { ...event, record: { ...event.record, card: posted.card } } : event;
}

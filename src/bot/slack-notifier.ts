import type { WebClient } from '@slack/web-api';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import type { Notifier } from '../core/ports.js';
import type { MessageRef, RequestRecord, ResultOutput } from '../core/request.js';
import { AppError } from '../errors.js';
import { postMessage } from './post-message.js';
import { approvalPrompt } from './views/approval-prompt.js';
import { inlineOutput, outputFile } from './views/output-message.js';
import type { SlackMessage } from './views/primitives.js';
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
      ...threadOf(record),
      text,
    });
  }

  async shareOutput(record: RequestRecord, output: ResultOutput): Promise<void> {
    const channel = record.card?.channel ?? record.channel;
    const thread = threadOf(record);
    const inline = inlineOutput(output);
    if (inline) {
      await this.client.chat.postMessage({ channel, ...thread, ...inline });
      return;
    }
    try {
      await this.uploadFile(channel, thread, output);
    } catch (error) {
      // The summary is already in the thread; say why the lines are not, rather than leave a silent gap.
      await this.client.chat.postMessage({
        channel,
        ...thread,
        text: `:warning: The ${output.lines.length} lines could not be attached as a file (${(error as Error).message}). Ask again in a while, or narrow the query to 50 lines to see them here.`,
      });
      throw error;
    }
  }

  /** Slack's upload flow: ask for an upload URL for this many bytes, send them there, then share the file. */
  private async uploadFile(channel: string, thread: { thread_ts?: string }, output: ResultOutput) {
    const bytes = outputFile(output);
    const upload = await this.client.files.getUploadURLExternal({
      filename: output.filename,
      length: bytes.length,
    });
    if (!upload.upload_url || !upload.file_id)
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        'files.getUploadURLExternal returned no upload_url or file_id',
        {
          retryable: true,
        },
      );
    const sent = await fetch(upload.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      signal: AbortSignal.timeout(30_000),
    });
    if (!sent.ok)
      throw new AppError('UPSTREAM_UNAVAILABLE', `the upload was refused (HTTP ${sent.status})`, {
        retryable: sent.status === 429 || sent.status >= 500,
      });
    await this.client.files.completeUploadExternal({
      files: [{ id: upload.file_id, title: output.title }],
      channel_id: channel,
      ...thread,
      initial_comment: `${output.lines.length} lines: too many for the thread, so here they are as a file.`,
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

  private post(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef> {
    return postMessage(this.client, channel, message, threadTs);
  }
}

/** Where a request's replies go: the thread it was asked in (an alert thread), else its card's thread. */
function threadOf(record: RequestRecord): { thread_ts?: string } {
  if (record.threadTs) return { thread_ts: record.threadTs };
  return record.card ? { thread_ts: record.card.ts } : {};
}

import type { WebClient } from '@slack/web-api';
import type { RequestRecord, ResultOutput } from '../core/request.js';
import { AppError } from '../errors.js';
import { inlineOutput, outputFile } from './views/output-message.js';
import { threadOf } from './views/request-thread.js';

/** Shares a result's output in the request's thread: inline when it is short, as an uploaded file otherwise. */
export async function shareOutput(
  client: WebClient,
  record: RequestRecord,
  output: ResultOutput,
): Promise<void> {
  const where = threadOf(record);
  const inline = inlineOutput(output);
  if (inline) {
    await client.chat.postMessage({ ...where, ...inline });
    return;
  }
  try {
    await uploadFile(client, where, output);
  } catch (error) {
    // The summary is already in the thread; say why the lines are not, rather than leave a silent gap.
    await client.chat.postMessage({
      ...where,
      text: `:warning: The ${output.lines.length} lines could not be attached as a file (${(error as Error).message}). Ask again in a while, or narrow the query to 50 lines to see them here.`,
    });
    throw error;
  }
}

/** Slack's upload flow: ask for an upload URL for this many bytes, send them there, then share the file. */
async function uploadFile(
  client: WebClient,
  where: { channel: string; thread_ts?: string },
  output: ResultOutput,
): Promise<void> {
  const bytes = outputFile(output);
  const upload = await client.files.getUploadURLExternal({ filename: output.filename, length: bytes.length });
  if (!upload.upload_url || !upload.file_id)
    throw new AppError(
      'UPSTREAM_UNAVAILABLE',
      'files.getUploadURLExternal returned no upload_url or file_id',
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
  await client.files.completeUploadExternal({
    files: [{ id: upload.file_id, title: output.title }],
    channel_id: where.channel,
    ...(where.thread_ts ? { thread_ts: where.thread_ts } : {}),
    initial_comment: `${output.lines.length} lines: too many for the thread, so here they are as a file.`,
  });
}

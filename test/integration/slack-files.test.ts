import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, localWorkspace } from '../../devtools/workspace/local-workspace.js';
import { shareOutput } from '../../src/bot/share-output.js';
import type { RequestRecord } from '../../src/core/request.js';

/** Slack's external file upload flow in the emulator, as strict as Slack, and the sharing of a result's output that uses it. */
describe('file uploads in the Slack emulator', () => {
  const emulator = new SlackEmulator(localWorkspace());
  let client: WebClient;
  let thread: string;

  beforeAll(async () => {
    await emulator.start();
    client = new WebClient(emulator.botToken, { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } });
    const posted = await client.chat.postMessage({ channel: channels.team, text: 'a card' });
    thread = posted.ts as string;
  });
  afterAll(() => emulator.stop());

  /** completeUploadExternal with any arguments, as a client that does not type-check them would send. */
  const complete = (args: Record<string, unknown>) => client.apiCall('files.completeUploadExternal', args);
  const slackError = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (e: { data?: { error?: string } }) => e.data?.error ?? String(e),
    );

  it('reserves, receives and shares a file in a thread', async () => {
    const bytes = Buffer.from('line one\nline two\n');
    const upload = await client.files.getUploadURLExternal({ filename: 'logs.txt', length: bytes.length });
    expect(upload.upload_url).toMatch(new RegExp(`^${emulator.url}/upload/`));
    const sent = await fetch(upload.upload_url as string, { method: 'POST', body: bytes });
    expect(sent.status).toBe(200);
    const done = await client.files.completeUploadExternal({
      files: [{ id: upload.file_id as string, title: 'Logs' }],
      channel_id: channels.team,
      thread_ts: thread,
      initial_comment: 'here they are',
    });
    expect(done.files?.[0]).toMatchObject({ id: upload.file_id, title: 'Logs' });
    const file = emulator.files.get(upload.file_id as string);
    expect(file?.content?.toString()).toBe('line one\nline two\n');
    expect(file?.shared).toMatchObject({ channel: channels.team, threadTs: thread });
    expect(emulator.threadReplies(channels.team, thread).map((m) => m.text)).toContain('here they are');
  });

  it('accepts the SDK upload helper, which posts a multipart form', async () => {
    const result = await client.filesUploadV2({
      channel_id: channels.team,
      thread_ts: thread,
      filename: 'sdk.txt',
      content: 'from the sdk\n',
      title: 'SDK',
    });
    expect(result.ok).toBe(true);
    const file = [...emulator.files.values()].find((f) => f.filename === 'sdk.txt');
    expect(file?.content?.toString()).toBe('from the sdk\n');
  });

  it('refuses what Slack refuses: missing or bad arguments, wrong length, unknown or unsent files', async () => {
    expect(await slackError(client.apiCall('files.getUploadURLExternal', { filename: 'x.txt' }))).toBe(
      'invalid_arguments',
    );
    expect(await slackError(client.files.getUploadURLExternal({ filename: 'x.txt', length: -3 }))).toBe(
      'invalid_arguments',
    );
    const upload = await client.files.getUploadURLExternal({ filename: 'x.txt', length: 10 });
    const short = await fetch(upload.upload_url as string, { method: 'POST', body: 'too short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/length mismatch: 9 bytes sent, 10 declared/);
    const unsent = { files: [{ id: upload.file_id as string }], channel_id: channels.team };
    expect(await slackError(complete(unsent))).toBe('file_not_found');
    expect(await slackError(complete({ files: [{ id: 'F0NOSUCHFILE' }], channel_id: channels.team }))).toBe(
      'file_not_found',
    );
    await fetch(upload.upload_url as string, { method: 'POST', body: '0123456789' });
    expect(await slackError(complete({ ...unsent, thread_ts: '1.000000' }))).toBe('thread_not_found');
    expect(await slackError(complete({ ...unsent, channel_id: 'C0NOWHERE' }))).toBe('channel_not_found');
    expect(await slackError(complete(unsent))).toBe('ok');
    expect(await slackError(complete(unsent))).toBe('file_not_found');
    const again = await fetch(upload.upload_url as string, { method: 'POST', body: '0123456789' });
    expect(again.status).toBe(400);
  });

  it('refuses a token without files:write', async () => {
    const narrow = new SlackEmulator(localWorkspace(), { botScopes: ['chat:write'] });
    await narrow.start();
    const narrowClient = new WebClient(narrow.botToken, {
      slackApiUrl: narrow.apiUrl,
      retryConfig: { retries: 0 },
    });
    expect(await slackError(narrowClient.files.getUploadURLExternal({ filename: 'x', length: 1 }))).toBe(
      'missing_scope',
    );
    await narrow.stop();
  });
});

describe('a result output shared in the thread', () => {
  const emulator = new SlackEmulator(localWorkspace());
  let client: WebClient;
  let record: RequestRecord;

  beforeAll(async () => {
    await emulator.start();
    client = new WebClient(emulator.botToken, {
      slackApiUrl: emulator.apiUrl,
      retryConfig: { retries: 0 },
    });
    const card = await client.chat.postMessage({ channel: channels.team, text: 'card' });
    record = {
      id: 'r-abcdefghij',
      channel: channels.team,
      card: { channel: channels.team, ts: card.ts as string },
    } as RequestRecord;
  });
  afterAll(() => emulator.stop());

  const output = (count: number, width = 20) => ({
    filename: 'logs.txt',
    title: 'Logs',
    lines: Array.from({ length: count }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(width)}`),
  });

  it('puts up to 50 short lines in one code block in the thread', async () => {
    await shareOutput(client, record, output(50));
    const reply = emulator.threadReplies(channels.team, record.card?.ts as string).at(-1);
    const text = (reply?.blocks[0] as { text: { text: string } } | undefined)?.text.text ?? '';
    expect(text.startsWith('```\n0000 ')).toBe(true);
    expect(text.split('\n')).toHaveLength(52);
    expect(emulator.files.size).toBe(0);
  });

  it('uploads more than 50 lines, or lines too long for one section, as a file', async () => {
    await shareOutput(client, record, output(51));
    await shareOutput(client, record, output(20, 200));
    const files = [...emulator.files.values()];
    expect(files.map((f) => f.content?.toString().split('\n').length)).toEqual([52, 21]);
    expect(files.every((f) => f.shared?.threadTs === record.card?.ts)).toBe(true);
  });
});

describe('a result output when the file cannot be uploaded', () => {
  it('says so in the thread, with why, and fails', async () => {
    const emulator = new SlackEmulator(localWorkspace(), { botScopes: ['chat:write'] });
    await emulator.start();
    const client = new WebClient(emulator.botToken, {
      slackApiUrl: emulator.apiUrl,
      retryConfig: { retries: 0 },
    });
    const card = await client.chat.postMessage({ channel: channels.team, text: 'card' });
    const record = {
      id: 'r-abcdefghij',
      channel: channels.team,
      card: { channel: channels.team, ts: card.ts as string },
    } as RequestRecord;
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i}`);
    await expect(shareOutput(client, record, { filename: 'l.txt', title: 'L', lines })).rejects.toThrow(
      /missing_scope/,
    );
    const note = emulator.threadReplies(channels.team, card.ts as string).at(-1);
    expect(note?.text).toMatch(
      /^:warning: The 60 lines could not be attached as a file \(.*missing_scope.*\)/,
    );
    expect(emulator.files.size).toBe(0);
    await emulator.stop();
  });
});

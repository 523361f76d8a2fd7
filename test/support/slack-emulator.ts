import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { checkBlocks, checkMessageText } from './block-kit-limits.js';
import { slackSignature } from './slack-signing.js';
import { loadRequiredArguments } from './slack-spec.js';

export interface EmulatedUser {
  id: string;
  name: string;
  email: string;
}

export interface EmulatedWorkspace {
  teamId: string;
  users: EmulatedUser[];
  channels: { id: string; name: string }[];
  usergroups: { id: string; handle: string; users: string[] }[];
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  response: Record<string, unknown>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs: string | null;
  text: string;
  blocks: unknown[];
  /** Every version of the message, oldest first (chat.update appends). */
  history: { text: string; blocks: unknown[] }[];
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  /** chat.postEphemeral, the ack body of a command, or a response_url post. */
  via: 'chat.postEphemeral' | 'ack' | 'response_url';
}

export interface Delivery {
  status: number;
  body: string;
}

const specPath = resolve(import.meta.dirname, '../../../shared/slack/slack_web_openapi_v2.json');

/**
 * A local Slack: the Web API methods the bot calls (bot-token check, required arguments from Slack's
 * spec, Block Kit limits, Slack's error codes) and deliveries to the app signed exactly as Slack signs
 * them. It keeps the workspace's messages so tests read what a person would see.
 */
export class SlackEmulator {
  readonly botToken = `xoxb-${randomBytes(12).toString('hex')}`;
  readonly signingSecret = randomBytes(16).toString('hex');
  readonly calls: ApiCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  /** Where deliveries go: the app's Slack endpoint. */
  appUrl: string | null = null;

  readonly #server: Server;
  readonly #required = loadRequiredArguments(specPath);
  readonly #responseUrls = new Map<
    string,
    { channel: string; user: string; uses: number; expiresAt: number }
  >();
  readonly #waiters = new Set<() => void>();
  #tsCounter = 0;

  constructor(readonly workspace: EmulatedWorkspace) {
    this.#server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
  }

  async start(port = 0): Promise<string> {
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server, 'listening');
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Base URL for the Web API, as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  // ---------------------------------------------------------------- deliveries to the app

  /** Sends a slash command the way Slack does: form-encoded, signed, with a response_url and trigger_id. */
  async slashCommand(args: {
    text: string;
    user: string;
    channel: string;
    command?: string;
  }): Promise<Delivery> {
    const user = this.user(args.user);
    const channel = this.workspace.channels.find((c) => c.id === args.channel);
    if (!channel) throw new Error(`emulator: unknown channel ${args.channel}`);
    const responseId = randomBytes(8).toString('hex');
    // Slack: a response_url takes up to five responses within 30 minutes.
    this.#responseUrls.set(responseId, {
      channel: channel.id,
      user: user.id,
      uses: 0,
      expiresAt: Date.now() + 30 * 60_000,
    });
    const form = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: this.workspace.teamId,
      team_domain: 'n3r-local',
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.name,
      command: args.command ?? '/n3r',
      text: args.text,
      api_app_id: 'A0N3RLOCAL',
      is_enterprise_install: 'false',
      response_url: `${this.url}/commands/${this.workspace.teamId}/${responseId}`,
      trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    });
    const delivery = await this.deliver(form.toString(), 'application/x-www-form-urlencoded');
    if (delivery.status === 200 && delivery.body) {
      const body = JSON.parse(delivery.body) as { text?: string; blocks?: unknown[]; response_type?: string };
      if (body.response_type !== 'in_channel') {
        this.ephemerals.push({
          channel: channel.id,
          user: user.id,
          text: body.text ?? '',
          blocks: body.blocks ?? [],
          via: 'ack',
        });
        this.notify();
      }
    }
    return delivery;
  }

  /** Posts a raw body to the app with Slack's signature headers; `sign` can forge or age them for tests. */
  async deliver(
    body: string,
    contentType: string,
    sign: { timestamp?: number; signature?: string; retryNum?: number } = {},
  ): Promise<Delivery> {
    if (!this.appUrl) throw new Error('emulator: appUrl is not set');
    const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign.signature ?? slackSignature(this.signingSecret, timestamp, body),
    };
    if (sign.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(sign.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const response = await fetch(this.appUrl, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  }

  // ---------------------------------------------------------------- what people see

  channelMessages(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === null);
  }

  threadReplies(channel: string, ts: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === ts);
  }

  ephemeralsFor(user: string): EphemeralMessage[] {
    return this.ephemerals.filter((m) => m.user === user);
  }

  /** Resolves when `check` returns a value; re-checked after every call the app makes. */
  async waitFor<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`emulator: timed out waiting for ${what}`);
      await new Promise<void>((done) => {
        const timer = setTimeout(wake, Math.min(remaining, 250));
        function wake() {
          clearTimeout(timer);
          done();
        }
        this.#waiters.add(wake);
      });
    }
  }

  private notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  private user(id: string): EmulatedUser {
    const user = this.workspace.users.find((u) => u.id === id);
    if (!user) throw new Error(`emulator: unknown user ${id}`);
    return user;
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const args = parseArgs(raw, req.headers['content-type'] ?? '');
      const token = bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : null);
      const response = this.webApi(method, args, token);
      this.calls.push({ method, args, response });
      this.notify();
      return json(res, 200, response);
    }
    const commandMatch = /^\/commands\/[^/]+\/([0-9a-f]+)$/.exec(url.pathname);
    if (req.method === 'POST' && commandMatch?.[1]) return this.responseUrl(commandMatch[1], raw, res);
    if (url.pathname.startsWith('/_emulator/')) return this.control(url, req.method ?? 'GET', raw, res);
    res.writeHead(404).end('not found');
  }

  private responseUrl(id: string, raw: string, res: ServerResponse): void {
    const target = this.#responseUrls.get(id);
    if (!target || target.expiresAt < Date.now() || target.uses >= 5) {
      res.writeHead(404).end('expired_url');
      return;
    }
    target.uses++;
    const body = JSON.parse(raw) as { text?: string; blocks?: unknown[] };
    this.ephemerals.push({
      channel: target.channel,
      user: target.user,
      text: body.text ?? '',
      blocks: body.blocks ?? [],
      via: 'response_url',
    });
    this.notify();
    res.writeHead(200).end('ok');
  }

  /** Control endpoints for `npm run slack`: send a command as a user, read a channel. */
  private async control(url: URL, method: string, raw: string, res: ServerResponse): Promise<void> {
    if (method === 'POST' && url.pathname === '/_emulator/command') {
      const body = JSON.parse(raw) as { text: string; user: string; channel: string };
      const delivery = await this.slashCommand(body);
      return json(res, 200, { delivery });
    }
    if (method === 'GET' && url.pathname === '/_emulator/state') {
      return json(res, 200, {
        workspace: this.workspace,
        messages: this.messages,
        ephemerals: this.ephemerals,
      });
    }
    res.writeHead(404).end('not found');
  }

  // ---------------------------------------------------------------- Web API

  private webApi(
    method: string,
    args: Record<string, unknown>,
    token: string | null,
  ): Record<string, unknown> {
    const required = this.#required.get(method);
    const handler = this.handlers[method];
    if (!handler) return { ok: false, error: 'unknown_method' };
    if (token === null) return { ok: false, error: 'not_authed' };
    if (token !== this.botToken) return { ok: false, error: 'invalid_auth' };
    const missing = (required ?? []).filter((name) => args[name] === undefined || args[name] === '');
    if (missing.length > 0) {
      return {
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: missing.map((name) => `[ERROR] missing required field: ${name}`) },
      };
    }
    return handler(args);
  }

  private readonly handlers: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://n3r-local.slack.com/',
      team: 'n3r local',
      user: 'n3r',
      team_id: this.workspace.teamId,
      user_id: 'U0N3RBOT',
      bot_id: 'B0N3RBOT',
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = String(args.channel);
      const problem = this.messageProblem(channel, args);
      if (problem) return problem;
      const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : null;
      if (threadTs !== null && !this.messages.some((m) => m.channel === channel && m.ts === threadTs)) {
        return { ok: false, error: 'thread_not_found' };
      }
      const message = this.store(channel, threadTs, args);
      return {
        ok: true,
        channel,
        ts: message.ts,
        message: { type: 'message', text: message.text, ts: message.ts },
      };
    },
    'chat.update': (args) => {
      const channel = String(args.channel);
      const problem = this.messageProblem(channel, args);
      if (problem) return problem;
      const message = this.messages.find((m) => m.channel === channel && m.ts === args.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      message.text = String(args.text ?? '');
      message.blocks = parseBlocks(args.blocks) ?? [];
      message.history.push({ text: message.text, blocks: message.blocks });
      return { ok: true, channel, ts: message.ts, text: message.text };
    },
    'chat.postEphemeral': (args) => {
      const channel = String(args.channel);
      const problem = this.messageProblem(channel, args);
      if (problem) return problem;
      const user = this.workspace.users.find((u) => u.id === args.user);
      if (!user) return { ok: false, error: 'user_not_found' };
      this.ephemerals.push({
        channel,
        user: user.id,
        text: String(args.text ?? ''),
        blocks: parseBlocks(args.blocks) ?? [],
        via: 'chat.postEphemeral',
      });
      return { ok: true, message_ts: this.nextTs() };
    },
    'users.info': (args) => {
      const user = this.workspace.users.find((u) => u.id === args.user);
      if (!user) return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: {
          id: user.id,
          name: user.name,
          team_id: this.workspace.teamId,
          profile: { email: user.email, real_name: user.name },
        },
      };
    },
    'usergroups.users.list': (args) => {
      const group = this.workspace.usergroups.find((g) => g.id === args.usergroup);
      if (!group) return { ok: false, error: 'no_such_subteam' };
      return { ok: true, users: group.users };
    },
  };

  private messageProblem(channel: string, args: Record<string, unknown>): Record<string, unknown> | null {
    if (!this.workspace.channels.some((c) => c.id === channel))
      return { ok: false, error: 'channel_not_found' };
    const blocks = parseBlocks(args.blocks);
    if (blocks === undefined && (typeof args.text !== 'string' || args.text === ''))
      return { ok: false, error: 'no_text' };
    const problem = checkBlocks(blocks, 50) ?? checkMessageText(args.text);
    return problem
      ? { ok: false, error: problem.error, response_metadata: { messages: [`[ERROR] ${problem.message}`] } }
      : null;
  }

  private store(channel: string, threadTs: string | null, args: Record<string, unknown>): StoredMessage {
    const text = String(args.text ?? '');
    const blocks = parseBlocks(args.blocks) ?? [];
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      threadTs,
      text,
      blocks,
      history: [{ text, blocks }],
    };
    this.messages.push(message);
    return message;
  }

  private nextTs(): string {
    this.#tsCounter++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.#tsCounter).padStart(6, '0')}`;
  }
}

function parseBlocks(value: unknown): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown[];
    } catch {
      return 'not json' as unknown as unknown[];
    }
  }
  return value as unknown[];
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json'))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(raw));
}

function bearer(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

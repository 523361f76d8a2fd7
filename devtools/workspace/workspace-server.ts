import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { SlackEmulator } from '../slack-emulator/slack-emulator.js';
import { sampleAlert } from './sample-alert.js';
import { snapshotFor } from './snapshot.js';

export interface WorkspaceServerOptions {
  /** The bot's Alertmanager webhook and its bearer token, for "Fire a sample alert". @defaultValue none: the button explains */
  alertWebhook?: { url: string; token: string };
  /** How long changes are gathered before one snapshot goes to each browser. @defaultValue 50 ms */
  batchMs?: number;
}

const publicDir = join(import.meta.dirname, 'public');
const staticFiles: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/blocks.js': 'blocks.js',
  '/style.css': 'style.css',
};
const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

const id = z.string().min(1).max(64);
const inputValue = z.union([
  z.string().max(3000),
  z.strictObject({ selected: z.string().max(150) }),
  z.strictObject({ selected: z.array(z.string().max(150)).max(100) }),
]);
const bodies = {
  send: z.strictObject({
    user: id,
    channel: id,
    text: z.string().trim().min(1).max(4000),
    threadTs: id.optional(),
  }),
  click: z.union([
    z.strictObject({ user: id, channel: id, ts: id, actionId: id }),
    z.strictObject({ user: id, viewId: id, actionId: id }),
  ]),
  react: z.strictObject({ user: id, channel: id, ts: id, reaction: z.string().regex(/^[a-z0-9_+-]{1,64}$/) }),
  submit: z.strictObject({
    user: id,
    viewId: id,
    values: z.record(id, z.record(id, inputValue)),
  }),
  close: z.strictObject({ user: id, viewId: id }),
  person: z.strictObject({ user: id }),
};

/** An answer the browser shows as it is: `ok: false` with a message that says what went wrong. */
type Answer = { status: number; body: Record<string, unknown> };
const refuse = (message: string): Answer => ({ status: 400, body: { ok: false, error: message } });

/**
 * The browser workspace: a page that draws the emulator's channels, threads, Block Kit, modals and App Home
 * live (server-sent events), and turns what a person does there into the emulator's deliveries, so the app
 * gets exactly what Slack would send for that click, command or reaction.
 */
export class WorkspaceServer {
  readonly #server: Server;
  readonly #streams = new Set<{ user: string; res: ServerResponse }>();
  readonly #stopListening: () => void;
  #pending: NodeJS.Timeout | null = null;

  constructor(
    private readonly emulator: SlackEmulator,
    private readonly options: WorkspaceServerOptions = {},
  ) {
    this.#server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, { status: 500, body: { ok: false, error: String(error) } });
      });
    });
    this.#stopListening = emulator.onChange(() => this.schedulePush());
  }

  async start(port = 0): Promise<string> {
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server, 'listening');
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#stopListening();
    if (this.#pending) clearTimeout(this.#pending);
    for (const stream of this.#streams) stream.res.end();
    this.#server.closeAllConnections();
    this.#server.close();
  }

  private schedulePush(): void {
    this.#pending ??= setTimeout(() => {
      this.#pending = null;
      for (const stream of this.#streams) this.push(stream);
    }, this.options.batchMs ?? 50);
  }

  private push(stream: { user: string; res: ServerResponse }): void {
    const snapshot = snapshotFor(this.emulator, stream.user, this.options.alertWebhook !== undefined);
    stream.res.write(`data: ${JSON.stringify(snapshot)}\n\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const file = staticFiles[url.pathname];
    if (req.method === 'GET' && file) {
      const type = contentTypes[file.split('.').pop() ?? ''] ?? 'text/plain';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(await readFile(join(publicDir, file)));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/events') return this.openStream(url, req, res);
    if (req.method === 'POST' && url.pathname.startsWith('/act/')) {
      const raw = await readBody(req);
      if (raw === null)
        return json(res, { status: 413, body: { ok: false, error: 'the body is over 64 KiB' } });
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return json(res, refuse('the body must be JSON'));
      }
      return json(res, await this.act(url.pathname.slice('/act/'.length), body));
    }
    json(res, { status: 404, body: { ok: false, error: 'not found' } });
  }

  private openStream(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const user = url.searchParams.get('user') ?? '';
    if (!this.emulator.workspace.users.some((u) => u.id === user)) {
      json(res, refuse(`unknown user '${user}'`));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const stream = { user, res };
    this.#streams.add(stream);
    req.on('close', () => this.#streams.delete(stream));
    this.push(stream);
  }

  /** One thing a person did in the page, as the emulator delivers it to the app. */
  private async act(action: string, body: unknown): Promise<Answer> {
    try {
      switch (action) {
        case 'send':
          return await this.send(bodies.send.parse(body));
        case 'click': {
          const click = bodies.click.parse(body);
          const delivery =
            'viewId' in click
              ? await this.emulator.clickButtonInView(click)
              : await this.emulator.clickButton(click);
          return delivered(delivery.status);
        }
        case 'react':
          return delivered((await this.emulator.addReaction(bodies.react.parse(body))).status);
        case 'submit': {
          const submitted = await this.emulator.submitView(bodies.submit.parse(body));
          return { status: 200, body: { ok: submitted.status === 200, response: submitted.response } };
        }
        case 'close':
          this.emulator.closeModal(bodies.close.parse(body));
          return { status: 200, body: { ok: true } };
        case 'home':
          return delivered((await this.emulator.appHomeOpened(bodies.person.parse(body))).status);
        case 'shortcut': {
          const { user } = bodies.person.parse(body);
          return delivered(
            (await this.emulator.globalShortcut({ user, callbackId: 'n3r_new_request' })).status,
          );
        }
        case 'alert':
          return await this.fireAlert();
        default:
          return { status: 404, body: { ok: false, error: `no action '${action}'` } };
      }
    } catch (error) {
      if (error instanceof z.ZodError)
        return refuse(error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      // The emulator refuses what Slack's client would not let a person do, with a message that says why.
      return refuse((error as Error).message.replace(/^emulator: /, ''));
    }
  }

  /** The message box: `/n3r …` is a slash command, a message naming @n3r a mention; nothing else reaches the app. */
  private async send(args: z.infer<typeof bodies.send>): Promise<Answer> {
    const command = /^(\/\S+)\s*([\s\S]*)$/.exec(args.text);
    if (command) {
      if (command[1] !== '/n3r')
        return refuse(`${command[1]} is not a command here: this workspace has /n3r`);
      if (args.threadTs) return refuse('slash commands cannot be sent in a thread');
      const text = command[2] ?? '';
      return delivered(
        (await this.emulator.slashCommand({ user: args.user, channel: args.channel, text })).status,
      );
    }
    const mention = `<@${this.emulator.botUserId}>`;
    const text = args.text.replace(/@n3r\b/g, mention);
    if (!text.includes(mention))
      return refuse('the bot hears only /n3r commands and messages that mention @n3r');
    const delivery = await this.emulator.mention({
      user: args.user,
      channel: args.channel,
      text,
      ...(args.threadTs ? { threadTs: args.threadTs } : {}),
    });
    return delivered(delivery.status);
  }

  private async fireAlert(): Promise<Answer> {
    const hook = this.options.alertWebhook;
    if (!hook) return refuse('no Alertmanager webhook is configured for this workspace');
    let answer: Response;
    try {
      answer = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${hook.token}` },
        body: JSON.stringify(sampleAlert()),
      });
    } catch (error) {
      return {
        status: 502,
        body: { ok: false, error: `the bot's webhook did not answer: ${(error as Error).message}` },
      };
    }
    const text = (await answer.text()).slice(0, 500);
    if (answer.status === 404)
      return {
        status: 502,
        body: {
          ok: false,
          error: `the bot has no Alertmanager webhook (POST ${new URL(hook.url).pathname} answered 404)`,
        },
      };
    return {
      status: answer.ok ? 200 : 502,
      body: {
        ok: answer.ok,
        webhookStatus: answer.status,
        ...(answer.ok ? {} : { error: `the webhook answered ${answer.status}: ${text}` }),
      },
    };
  }
}

/** Over Socket Mode an app that never acks within 3 s leaves status 0: Slack would show the person an error. */
function delivered(status: number): Answer {
  if (status === 200) return { status: 200, body: { ok: true } };
  return {
    status: 200,
    body: {
      ok: false,
      error: status === 0 ? 'the app did not answer in time' : `the app answered HTTP ${status}`,
    },
  };
}

/** The body, or null when it is over 64 KiB: nothing a person does in the page comes near that. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, answer: Answer): void {
  res
    .writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(answer.body));
}

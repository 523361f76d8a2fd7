import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  appHomeOpened,
  appMention,
  globalShortcut,
  messageButtonClick,
  reactionAdded,
  slashCommand,
  urlVerification,
  type ViewValues,
  viewButtonClick,
  viewSubmission,
} from './slack-deliveries.js';
import type { EmulatedFile } from './slack-files.js';
import { applyMessageResponse, parseResponseBody } from './slack-responses.js';
import { SocketModeServer } from './slack-socket-mode.js';
import { dmChannelOf, SlackState } from './slack-state.js';
import { AppTransport, defaultAckTimeoutMs, type Outgoing, type SignOptions } from './slack-transport.js';
import type {
  ApiCall,
  Delivery,
  DeliveryRecord,
  EmulatedWorkspace,
  EphemeralMessage,
  Json,
  RejectedResponse,
  StoredMessage,
  StoredView,
} from './slack-types.js';
import { SlackWebApi, type WebApiOptions } from './slack-web-api.js';

export type { InputValue } from './slack-blocks.js';
export type { ViewValues } from './slack-deliveries.js';
export type {
  ApiCall,
  Delivery,
  DeliveryRecord,
  EmulatedUser,
  EmulatedWorkspace,
  EphemeralMessage,
  RejectedResponse,
  StoredMessage,
  StoredView,
} from './slack-types.js';

export interface SlackEmulatorOptions extends WebApiOptions {
  /** How long Slack waits for the app's answer (HTTP response or Socket Mode ack): 3 s, as Slack. */
  ackTimeoutMs?: number;
  /** How often the Socket Mode server pings each connection. */
  socketPingIntervalMs?: number;
}

/** The answer to a view_submission, and the `response_action` JSON it carried (`{}` when empty). */
export interface ViewSubmissionDelivery extends Delivery {
  response: Json | null;
}

const specPath = resolve(import.meta.dirname, '../../../shared/slack/slack_web_openapi_v2.json');

/**
 * A local Slack over real HTTP and WebSocket. The Web API methods the bot calls, checked as Slack checks
 * them (tokens and their types, scopes, required arguments from Slack's spec, Block Kit limits, trigger_ids,
 * rate limits, Slack's error codes); deliveries to the app as people cause them (commands, clicks, view
 * submissions, shortcuts, events), over Socket Mode when the app is connected and otherwise as HTTP POSTs
 * signed as Slack signs them, with Slack's retries on demand. It keeps what a person would see: messages,
 * ephemerals, modals, App Homes.
 */
export class SlackEmulator {
  readonly botToken = `xoxb-${randomBytes(12).toString('hex')}`;
  /** The app-level token for Socket Mode (apps.connections.open). */
  readonly appToken: string;
  readonly signingSecret = randomBytes(16).toString('hex');
  readonly appId = 'A0N3RLOCAL';
  readonly botUserId = 'U0N3RBOT';
  readonly botId = 'B0N3RBOT';
  /** Every Web API call, as answered. */
  readonly calls: ApiCall[] = [];
  readonly messages: StoredMessage[];
  readonly ephemerals: EphemeralMessage[];
  /** Every view by id (modals and App Homes). */
  readonly views: ReadonlyMap<string, StoredView>;
  /** Every attempt to deliver to the app, retries included. */
  readonly deliveries: DeliveryRecord[];
  /** App answers Slack would have refused (invalid blocks in an ack, bad response_action, …). */
  readonly rejected: RejectedResponse[];
  /** Where HTTP deliveries go: the app's Request URL. */
  appUrl: string | null = null;

  readonly #server: Server;
  readonly #state: SlackState;
  readonly #socket: SocketModeServer;
  readonly #transport: AppTransport;
  readonly #webApi: SlackWebApi;
  readonly #waiters = new Set<() => void>();
  readonly #listeners = new Set<() => void>();

  constructor(
    readonly workspace: EmulatedWorkspace,
    options: SlackEmulatorOptions = {},
  ) {
    this.appToken = `xapp-1-${this.appId}-${Date.now()}-${randomBytes(16).toString('hex')}`;
    this.#state = new SlackState(
      workspace,
      {
        teamId: workspace.teamId,
        teamDomain: 'n3r-local',
        appId: this.appId,
        botId: this.botId,
        botUserId: this.botUserId,
      },
      () => this.notify(),
    );
    this.messages = this.#state.messages;
    this.ephemerals = this.#state.ephemerals;
    this.views = this.#state.views.views;
    this.rejected = this.#state.rejected;
    this.#socket = new SocketModeServer(this.appId, options.socketPingIntervalMs);
    this.#transport = new AppTransport({
      signingSecret: this.signingSecret,
      socket: this.#socket,
      appUrl: () => this.appUrl,
      ackTimeoutMs: options.ackTimeoutMs ?? defaultAckTimeoutMs,
      notify: () => this.notify(),
    });
    this.deliveries = this.#transport.records;
    this.#webApi = new SlackWebApi(
      this.#state,
      { bot: this.botToken, app: this.appToken },
      options,
      specPath,
      () => this.#socket.open(this.url),
      () => this.url,
    );
    this.#server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    this.#server.on('upgrade', (req, socket, head) => this.#socket.handleUpgrade(req, socket, head));
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
    await this.#socket.close();
    this.#server.closeAllConnections();
    this.#server.close();
  }

  // ---------------------------------------------------------------- deliveries to the app

  /** A person types a slash command: form fields with a response_url and a trigger_id. */
  async slashCommand(args: {
    text: string;
    user: string;
    channel: string;
    command?: string;
  }): Promise<Delivery> {
    return this.send(slashCommand(this.#state, this.url, args));
  }

  /**
   * A person clicks a button (by action_id) in a message; throws if the message has no such button.
   * `version` clicks an earlier version of the message (index into `history`, negative from the end), as a
   * client that has not redrawn it yet would.
   */
  async clickButton(args: {
    user: string;
    channel: string;
    ts: string;
    actionId: string;
    version?: number;
  }): Promise<Delivery> {
    return this.send(messageButtonClick(this.#state, this.url, args));
  }

  /** A person clicks a button in a modal or their App Home. */
  async clickButtonInView(args: { user: string; viewId: string; actionId: string }): Promise<Delivery> {
    return this.send(viewButtonClick(this.#state, args));
  }

  /**
   * A person submits a modal with `values[block_id][action_id]`: a string for a plain_text_input,
   * `{ selected }` for a select, radio group, date or user/conversation picker, `{ selected: [...] }` for
   * multi-selects and checkboxes. Throws where Slack's client would not let them submit.
   */
  async submitView(args: {
    user: string;
    viewId: string;
    values?: ViewValues;
  }): Promise<ViewSubmissionDelivery> {
    const delivery = await this.send(viewSubmission(this.#state, args));
    return { ...delivery, response: delivery.status === 200 ? parseResponseBody(delivery.body) : null };
  }

  /** A person runs a global shortcut. */
  async globalShortcut(args: { user: string; callbackId: string }): Promise<Delivery> {
    return this.send(globalShortcut(this.#state, args));
  }

  /**
   * A person closes a modal with its close button: it and any view pushed above it go away. The app's
   * views never ask for `notify_on_close`, so no `view_closed` is emulated; a view that asks is refused.
   */
  closeModal(args: { user: string; viewId: string }): void {
    const view = this.views.get(args.viewId);
    if (view?.type !== 'modal' || view.user !== args.user || !view.open)
      throw new Error(`emulator: ${args.user} has no open modal ${args.viewId}`);
    if (view.view.notify_on_close === true)
      throw new Error('emulator: view_closed deliveries (notify_on_close) are not emulated');
    this.#state.views.close(view.id);
    this.notify();
  }

  /** A person opens the app's Home tab: `app_home_opened`. */
  async appHomeOpened(args: { user: string }): Promise<Delivery> {
    return this.send(appHomeOpened(this.#state, args));
  }

  /** A person reacts to a message: `reaction_added`. */
  async addReaction(args: {
    user: string;
    channel: string;
    ts: string;
    reaction: string;
  }): Promise<Delivery> {
    return this.send(reactionAdded(this.#state, args));
  }

  /** A person writes a message that mentions the app: it is posted, and the app gets `app_mention`. */
  async mention(args: {
    user: string;
    channel: string;
    text: string;
    threadTs?: string;
  }): Promise<Delivery & { ts: string }> {
    const { outgoing, message } = appMention(this.#state, args);
    return { ...(await this.send(outgoing)), ts: message.ts };
  }

  /**
   * Delivers an earlier delivery again, as Slack retries: over HTTP the same body with
   * `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`; over Socket Mode a new envelope with `retry_attempt` and
   * `retry_reason`. Events keep their event_id.
   */
  async redeliver(deliveryId: string, retryNum: number, retryReason?: string): Promise<Delivery> {
    return this.#transport.redeliver(deliveryId, retryNum, retryReason);
  }

  /** Posts a raw body to the app with Slack's signature headers; `sign` can forge or age them for tests. */
  async deliver(body: string, contentType: string, sign: SignOptions = {}): Promise<Delivery> {
    const answer = await this.#transport.post(body, contentType, sign);
    return { ...answer, deliveryId: `raw-${randomBytes(6).toString('hex')}` };
  }

  /** Slack's check of the Request URL: `url_verification`; `echoed` says whether the app echoed the challenge. */
  async urlVerification(): Promise<{ status: number; body: string; echoed: boolean }> {
    const payload = urlVerification();
    const answer = await this.#transport.post(JSON.stringify(payload), 'application/json');
    const echoed = answer.status === 200 && answer.body.includes(String(payload.challenge));
    return { ...answer, echoed };
  }

  /** Sends Slack's `disconnect` message on every Socket Mode connection; the app reconnects. */
  disconnectSocketMode(
    reason: 'warning' | 'refresh_requested' | 'link_disabled' = 'refresh_requested',
  ): void {
    this.#socket.disconnect(reason);
  }

  /** Open Socket Mode connections; while there is one, deliveries go over Socket Mode. */
  get socketConnections(): number {
    return this.#socket.connections;
  }

  /**
   * The next call the app makes to Web API `method` fails with Slack's `error` (`ok: false`), as Slack's
   * own outages look to an app: `internal_error`, `fatal_error`, `service_unavailable`.
   */
  failNext(method: string, error = 'internal_error'): void {
    this.#webApi.failNext(method, error);
  }

  /** Moves the emulator's clock ahead: trigger_ids, response_urls and rate limits see the time pass. */
  advanceTime(ms: number): void {
    this.#state.clock.advance(ms);
  }

  // ---------------------------------------------------------------- what people see

  channelMessages(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === null);
  }

  threadReplies(channel: string, ts: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === ts);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.#state.findMessage(channel, ts);
  }

  /** The app's direct-message channel with a person: where chat.postMessage to their user id lands. */
  dmChannel(user: string): string {
    return dmChannelOf(user);
  }

  ephemeralsFor(user: string): EphemeralMessage[] {
    return this.ephemerals.filter((m) => m.user === user);
  }

  /** A person's App Home, as last published. */
  homeOf(user: string): StoredView | undefined {
    return this.#state.views.homeOf(user);
  }

  /** A person's open modals: the root first, the one on screen last. */
  openModals(user: string): StoredView[] {
    return this.#state.views.openModals(user);
  }

  /** Resolves when `check` returns a value; re-checked after every change and every call the app makes. */
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

  private async send(outgoing: Outgoing): Promise<Delivery> {
    if (this.#socket.connections === 0 && !this.appUrl)
      throw new Error('emulator: the app is not connected (no Socket Mode connection and no appUrl)');
    return this.#transport.send(outgoing);
  }

  /** Calls `listener` after every change and every call the app makes; returns how to stop listening. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  private notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
    for (const listener of this.#listeners) listener();
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const bytes = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/upload/'))
      return this.upload(url, req, bytes, res);
    const raw = bytes.toString('utf8');
    if (url.pathname.startsWith('/api/')) return this.webApi(url, req, raw, res);
    if (req.method === 'POST' && /^\/(commands|actions)\/[^/]+\/[^/]+\/[^/]+$/.test(url.pathname))
      return this.responseUrl(url.pathname, raw, res);
    if (url.pathname.startsWith('/_emulator/')) return this.control(url, req.method ?? 'GET', raw, res);
    res.writeHead(404).end('not found');
  }

  private webApi(url: URL, req: IncomingMessage, raw: string, res: ServerResponse): void {
    const method = url.pathname.slice('/api/'.length);
    let args: Json;
    try {
      args = {
        ...Object.fromEntries(url.searchParams),
        ...parseArgs(raw, req.headers['content-type'] ?? ''),
      };
    } catch {
      json(res, 200, { ok: false, error: 'invalid_json' });
      return;
    }
    const token = bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : null);
    const answer = this.#webApi.call(method, args, token);
    this.calls.push({ method, args, response: answer.body, status: answer.status });
    this.notify();
    json(res, answer.status, answer.body, answer.headers);
  }

  /** An upload URL from files.getUploadURLExternal: Slack answers 200 "OK - <bytes>" or an error status. */
  private upload(url: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const outcome = this.#state.files.receive(url.pathname, body, req.headers['content-type'] ?? '');
    this.notify();
    if (outcome.ok) res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${body.length}`);
    else res.writeHead(outcome.status, { 'content-type': 'text/plain' }).end(outcome.error);
  }

  /** Files uploaded through the external upload flow, by id, with their bytes and where they were shared. */
  get files(): ReadonlyMap<string, EmulatedFile> {
    return this.#state.files.files;
  }

  private responseUrl(path: string, raw: string, res: ServerResponse): void {
    const target = this.#state.responseUrls.use(path);
    if (!target) {
      res.writeHead(404).end('expired_url');
      return;
    }
    const outcome = applyMessageResponse(this.#state, target, parseResponseBody(raw), 'response_url');
    if (outcome.ok) res.writeHead(200).end('ok');
    else res.writeHead(400).end(outcome.error);
  }

  /** Control endpoints for `npm run slack`: type a command, click a button, react, read the workspace. */
  private async control(url: URL, method: string, raw: string, res: ServerResponse): Promise<void> {
    try {
      if (method === 'POST' && url.pathname === '/_emulator/command') {
        const body = JSON.parse(raw) as { text: string; user: string; channel: string };
        return json(res, 200, { delivery: await this.slashCommand(body) });
      }
      if (method === 'POST' && url.pathname === '/_emulator/click') {
        const body = JSON.parse(raw) as { user: string; channel: string; ts: string; actionId: string };
        return json(res, 200, { delivery: await this.clickButton(body) });
      }
      if (method === 'POST' && url.pathname === '/_emulator/react') {
        const body = JSON.parse(raw) as { user: string; channel: string; ts: string; reaction: string };
        return json(res, 200, { delivery: await this.addReaction(body) });
      }
    } catch (error) {
      return json(res, 400, { error: (error as Error).message });
    }
    if (method === 'GET' && url.pathname === '/_emulator/state') {
      return json(res, 200, {
        workspace: this.workspace,
        messages: this.messages,
        ephemerals: this.ephemerals,
        views: [...this.views.values()],
        rejected: this.rejected,
      });
    }
    res.writeHead(404).end('not found');
  }
}

function parseArgs(raw: string, contentType: string): Json {
  if (contentType.startsWith('application/json')) return raw ? (JSON.parse(raw) as Json) : {};
  return Object.fromEntries(new URLSearchParams(raw));
}

function bearer(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify(body));
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { EnvelopeType, Json } from './slack-types.js';

/** Slack: up to 10 concurrent WebSocket connections per app. */
const maxConnections = 10;
const host = 'applink-emulator';

export interface EnvelopeOptions {
  acceptsResponsePayload: boolean;
  /** Events API envelopes carry the retry count (0 on the first try) and reason ('' on the first try). */
  retryAttempt?: number;
  retryReason?: string;
}

export type AckResult = { acked: true; payload: Json | undefined } | { acked: false };

/**
 * Slack's side of Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode): apps.connections.open
 * hands out single-use `ws://…/link/?ticket=…` URLs; on connect the app gets `hello`; the server pings;
 * envelopes go to one open connection and wait for the ack `{envelope_id, payload?}`; `disconnect` asks the
 * app to reconnect.
 */
export class SocketModeServer {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #connections: WebSocket[] = [];
  readonly #pending = new Map<string, (payload: Json | undefined) => void>();
  #turn = 0;

  constructor(
    private readonly appId: string,
    private readonly pingIntervalMs = 5_000,
  ) {}

  /** Open connections the app has, after hello. */
  get connections(): number {
    return this.openSockets().length;
  }

  /** apps.connections.open: a URL with a new ticket. */
  open(baseUrl: string): { ok: true; url: string } | { ok: false; error: string } {
    if (this.openSockets().length >= maxConnections) return { ok: false, error: 'too_many_websockets' };
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    const wsBase = baseUrl.replace(/^http/, 'ws');
    return { ok: true, url: `${wsBase}/link/?ticket=${ticket}&app_id=${this.appId}` };
  }

  /** Takes an HTTP upgrade on /link/ with a ticket from `open`; refuses others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    const ticket = url.searchParams.get('ticket');
    if (url.pathname !== '/link/' || ticket === null || !this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  /**
   * Sends an envelope to one open connection (in turn, as Slack picks one) and waits for its ack.
   * Returns `acked: false` after `timeoutMs` without one.
   */
  async send(
    type: EnvelopeType,
    payload: Json,
    options: EnvelopeOptions,
    timeoutMs: number,
  ): Promise<AckResult> {
    const open = this.openSockets();
    const ws = open[this.#turn++ % Math.max(1, open.length)];
    if (!ws) return { acked: false };
    const envelopeId = randomUUID();
    const envelope: Json = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload,
      ...(options.retryAttempt === undefined
        ? {}
        : { retry_attempt: options.retryAttempt, retry_reason: options.retryReason ?? '' }),
    };
    return new Promise<AckResult>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelopeId);
        resolve({ acked: false });
      }, timeoutMs);
      this.#pending.set(envelopeId, (ackPayload) => {
        clearTimeout(timer);
        this.#pending.delete(envelopeId);
        resolve({ acked: true, payload: ackPayload });
      });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Slack's `disconnect` message: the app closes the connection and opens a new one. */
  disconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.#connections)
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host } }));
  }

  /** Closes every connection with a close frame, giving each a moment to answer before cutting it. */
  async close(): Promise<void> {
    const open = [...this.#connections];
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((done) => {
            const cut = setTimeout(() => ws.terminate(), 1_000);
            ws.once('close', () => {
              clearTimeout(cut);
              done();
            });
            ws.close(1001, 'emulator stopping');
          }),
      ),
    );
    this.#wss.close();
  }

  private openSockets(): WebSocket[] {
    return this.#connections.filter((ws) => ws.readyState === ws.OPEN);
  }

  private connected(ws: WebSocket): void {
    this.#connections.push(ws);
    const pinger = setInterval(() => ws.ping(), this.pingIntervalMs);
    pinger.unref();
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.received(data);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearInterval(pinger);
      const at = this.#connections.indexOf(ws);
      if (at >= 0) this.#connections.splice(at, 1);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.#connections.length,
        debug_info: { host, build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  private received(data: RawData): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const payload =
      typeof message.payload === 'object' && message.payload !== null ? (message.payload as Json) : undefined;
    this.#pending.get(message.envelope_id)?.(payload);
  }
}

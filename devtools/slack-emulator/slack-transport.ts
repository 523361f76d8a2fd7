import { randomUUID } from 'node:crypto';
import { slackSignature } from './slack-signing.js';
import type { SocketModeServer } from './slack-socket-mode.js';
import type { Delivery, DeliveryRecord, EnvelopeType, Json } from './slack-types.js';

/** Slack expects the app to answer (HTTP 2xx, or a Socket Mode ack) within 3 seconds. */
export const defaultAckTimeoutMs = 3_000;

/** Something for the app: its kind, its payload, and what Slack does with the app's answer. */
export interface Outgoing {
  type: EnvelopeType;
  payload: Json;
  onAnswer?: (body: string) => void;
}

export interface SignOptions {
  timestamp?: number;
  signature?: string;
  retryNum?: number;
  retryReason?: string;
}

interface TransportDeps {
  signingSecret: string;
  socket: SocketModeServer;
  appUrl: () => string | null;
  ackTimeoutMs: number;
  notify: () => void;
}

/** HTTP bodies as Slack posts them: commands as form fields, interactivity as `payload=<json>`, events as JSON. */
function httpBody(outgoing: Outgoing): { body: string; contentType: string } {
  switch (outgoing.type) {
    case 'slash_commands':
      return {
        body: new URLSearchParams(outgoing.payload as Record<string, string>).toString(),
        contentType: 'application/x-www-form-urlencoded',
      };
    case 'interactive':
      return {
        body: new URLSearchParams({ payload: JSON.stringify(outgoing.payload) }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      };
    case 'events_api':
      return { body: JSON.stringify(outgoing.payload), contentType: 'application/json' };
  }
}

/** Slack waits for an answer to commands, view submissions and block suggestions; not to events or clicks. */
function acceptsResponsePayload(outgoing: Outgoing): boolean {
  return outgoing.type === 'slash_commands' || outgoing.payload.type === 'view_submission';
}

/**
 * Delivers to the app over its current transport: Socket Mode when it has a connection open, else a
 * signed HTTP POST to its Request URL. Keeps every attempt, and every delivery for `redeliver`.
 */
export class AppTransport {
  readonly records: DeliveryRecord[] = [];
  readonly #sent = new Map<string, Outgoing>();

  constructor(private readonly deps: TransportDeps) {}

  async send(outgoing: Outgoing): Promise<Delivery> {
    const deliveryId = randomUUID();
    this.#sent.set(deliveryId, outgoing);
    return this.attempt(deliveryId, outgoing, 0, '');
  }

  /** Slack's retry: the same payload again, with the retry number and reason. */
  async redeliver(deliveryId: string, retryNum: number, retryReason?: string): Promise<Delivery> {
    const outgoing = this.#sent.get(deliveryId);
    if (!outgoing) throw new Error(`emulator: no delivery ${deliveryId}`);
    const reason = retryReason ?? (this.deps.socket.connections > 0 ? 'timeout' : 'http_timeout');
    return this.attempt(deliveryId, outgoing, retryNum, reason);
  }

  /** Posts a raw body to the Request URL with Slack's signature headers, which `sign` can forge or age. */
  async post(
    body: string,
    contentType: string,
    sign: SignOptions = {},
  ): Promise<{ status: number; body: string }> {
    const appUrl = this.deps.appUrl();
    if (!appUrl) throw new Error('emulator: appUrl is not set');
    const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign.signature ?? slackSignature(this.deps.signingSecret, timestamp, body),
    };
    if (sign.retryNum !== undefined && sign.retryNum > 0) {
      headers['x-slack-retry-num'] = String(sign.retryNum);
      headers['x-slack-retry-reason'] = sign.retryReason ?? 'http_timeout';
    }
    try {
      const response = await fetch(appUrl, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.deps.ackTimeoutMs),
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return {
        status: 0,
        body: timedOut ? `no response within ${this.deps.ackTimeoutMs} ms` : String(error),
      };
    }
  }

  private async attempt(deliveryId: string, outgoing: Outgoing, retryNum: number, retryReason: string) {
    const started = Date.now();
    const socket = this.deps.socket.connections > 0;
    let answer: { status: number; body: string };
    if (socket) {
      const isEvent = outgoing.type === 'events_api';
      const ack = await this.deps.socket.send(
        outgoing.type,
        outgoing.payload,
        {
          acceptsResponsePayload: acceptsResponsePayload(outgoing),
          ...(isEvent || retryNum > 0 ? { retryAttempt: retryNum, retryReason } : {}),
        },
        this.deps.ackTimeoutMs,
      );
      answer = ack.acked
        ? { status: 200, body: ack.payload === undefined ? '' : JSON.stringify(ack.payload) }
        : { status: 0, body: 'no ack' };
    } else {
      const { body, contentType } = httpBody(outgoing);
      answer = await this.post(body, contentType, { retryNum, retryReason });
    }
    this.records.push({
      deliveryId,
      type: outgoing.type,
      transport: socket ? 'socket' : 'http',
      retryNum,
      retryReason,
      payload: outgoing.payload,
      status: answer.status,
      body: answer.body,
      elapsedMs: Date.now() - started,
    });
    if (answer.status === 200) outgoing.onAnswer?.(answer.body);
    this.deps.notify();
    const triggerId =
      typeof outgoing.payload.trigger_id === 'string' ? outgoing.payload.trigger_id : undefined;
    return { ...answer, deliveryId, ...(triggerId ? { triggerId } : {}) };
  }
}

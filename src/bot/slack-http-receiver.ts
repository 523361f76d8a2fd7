import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { AppError, ConfigError } from '../errors.js';
import { readBoundedBody } from '../http/read-bounded-body.js';
import type { Logger } from '../logger.js';
import { isSslCheck, parseSlackDelivery } from './parse-slack-delivery.js';
import { checkSlackSignature } from './slack-signature.js';

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  log: Logger;
  /** The path of the app's Request URL. @defaultValue '/slack/events' */
  path?: string;
  /** A larger body is refused with 413 before it is read to the end. @defaultValue 1 MiB */
  bodyLimitBytes?: number;
  /**
   * Slack gives up after 3 s; a delivery no listener has acknowledged by then is answered 404, as Bolt's
   * own receiver does. @defaultValue 2500
   */
  ackTimeoutMs?: number;
  /** The clock the timestamp window is checked against (ms since the epoch). @defaultValue Date.now */
  now?: () => number;
}

type Answer = { status: number; body: string; contentType?: string };

/**
 * Slack's HTTP deliveries, received for Bolt: transport only, the listeners hold the logic.
 *
 * Our own rather than Bolt's HTTPReceiver behind a verifying layer: Bolt's receiver refuses only timestamps
 * that are too old (a request signed ten minutes into the future passes), answers a payload it cannot
 * route with a 404 after three seconds and one a listener cannot read with nothing useful, and a layer in
 * front of it would read and verify every body twice. Here each request is read once with a size bound,
 * its v0 signature and timestamp window (±5 min) checked, its body parsed and its shape checked, and only
 * then handed to `app.processEvent` with an ack that answers the HTTP request once.
 */
export class SlackHttpReceiver implements Receiver {
  #app: App | undefined;
  #server: Server | undefined;
  readonly #path: string;
  readonly #bodyLimit: number;
  readonly #ackTimeoutMs: number;
  readonly #now: () => number;

  constructor(private readonly options: SlackHttpReceiverOptions) {
    if (!options.signingSecret) throw new ConfigError('SLACK_SIGNING_SECRET must be set in HTTP mode');
    this.#path = options.path ?? '/slack/events';
    this.#bodyLimit = options.bodyLimitBytes ?? 1024 * 1024;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 2500;
    this.#now = options.now ?? Date.now;
  }

  init(app: App): void {
    this.#app = app;
  }

  /** Listens on `port` (0: any free one) and `host`; resolves with the listening server. */
  async start(listen: { port?: number; host?: string } = {}): Promise<Server> {
    if (this.#server) throw new AppError('INTERNAL', 'the Slack receiver is already started');
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.log.error({ err: error }, 'slack delivery failed');
        send(res, { status: 500, body: 'internal error' });
      });
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port ?? 3000, listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== this.#path) return send(res, { status: 404, body: 'not found' });
    if (req.method !== 'POST') return send(res, { status: 405, body: 'only POST is accepted here' });
    const raw = await readBoundedBody(req, this.#bodyLimit);
    if (!raw) return this.refuse(res, 413, `the body is larger than ${this.#bodyLimit} bytes`);

    const contentType = header(req, 'content-type');
    const text = raw.toString('utf8');
    if (isSslCheck(contentType, text)) return send(res, { status: 200, body: '' });
    const signature = checkSlackSignature(
      this.options.signingSecret,
      {
        timestamp: header(req, 'x-slack-request-timestamp'),
        signature: header(req, 'x-slack-signature'),
        rawBody: raw,
      },
      this.#now(),
    );
    if (!signature.ok)
      return this.refuse(
        res,
        401,
        'not a request signed by Slack within the last 5 minutes',
        signature.reason,
      );

    const parsed = parseSlackDelivery(contentType, text);
    switch (parsed.type) {
      case 'unsupported_media':
        return this.refuse(res, 415, parsed.problem);
      case 'malformed':
        return this.refuse(res, 400, parsed.problem);
      case 'url_verification':
        return send(res, json({ challenge: parsed.challenge }));
      case 'app_rate_limited':
        this.options.log.warn('slack is rate limiting event deliveries to this app');
        return send(res, { status: 200, body: '' });
      case 'delivery':
        return this.dispatch(req, res, parsed.body);
    }
  }

  /** Hands the delivery to Bolt; the first ack answers Slack, and so does the timer if no listener acks. */
  private async dispatch(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
    const app = this.#app;
    if (!app) throw new AppError('INTERNAL', 'the Slack receiver was started before Bolt initialised it');
    let answered = false;
    const answer = (reply: Answer) => {
      if (answered) return false;
      answered = true;
      clearTimeout(timer);
      send(res, reply);
      return true;
    };
    const timer = setTimeout(() => {
      if (answer({ status: 404, body: 'no listener acknowledged this delivery' }))
        this.options.log.warn({ delivery: describe(body) }, 'slack delivery not acknowledged in time');
    }, this.#ackTimeoutMs);
    const retryNum = Number.parseInt(header(req, 'x-slack-retry-num') ?? '', 10);
    const retryReason = header(req, 'x-slack-retry-reason');
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (!answer(ackAnswer(response)))
          this.options.log.debug({ delivery: describe(body) }, 'second ack of a slack delivery ignored');
      },
      ...(Number.isNaN(retryNum) ? {} : { retryNum }),
      ...(retryReason ? { retryReason } : {}),
    };
    try {
      await app.processEvent(event);
    } catch (error) {
      this.options.log.error({ err: error, delivery: describe(body) }, 'slack delivery failed');
      answer({ status: 500, body: 'internal error' });
    }
    // Every listener has returned: one that has not acknowledged by now never will.
    if (answer({ status: 404, body: 'no listener acknowledged this delivery' }))
      this.options.log.warn({ delivery: describe(body) }, 'slack delivery not acknowledged');
  }

  /** Refusals are outcomes, not faults: logged at info, with the reason but never the secret or signature. */
  private refuse(res: ServerResponse, status: number, text: string, reason: string = text): void {
    this.options.log.info({ status, reason }, 'slack delivery refused');
    send(res, { status, body: text });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function json(value: unknown): Answer {
  return { status: 200, body: JSON.stringify(value), contentType: 'application/json' };
}

/** What Slack gets for `ack(response)`: nothing, a text, or a JSON answer (a message, response_action). */
function ackAnswer(response: unknown): Answer {
  if (response === undefined || response === null || response === '') return { status: 200, body: '' };
  if (typeof response === 'string') return { status: 200, body: response, contentType: 'text/plain' };
  return json(response);
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, {
    'content-type': answer.contentType ?? 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

/** The delivery's ids, to find it in Slack's and our logs. */
function describe(body: Record<string, unknown>): Record<string, unknown> {
  const pick = (key: string) => (typeof body[key] === 'string' ? { [key]: body[key] } : {});
  return { ...pick('type'), ...pick('command'), ...pick('event_id'), ...pick('trigger_id') };
}

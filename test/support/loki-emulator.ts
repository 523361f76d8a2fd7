import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LogqlQuery, matchesQuery, parseLogql } from './logql.js';

/** A seeded stream: its labels and its entries (nanoseconds since the epoch, line). */
export interface SeededStream {
  labels: Record<string, string>;
  entries: { ns: bigint; line: string }[];
}

/** Loki's defaults: `max_entries_limit_per_query` and the default `limit`. */
const maxEntriesLimit = 5000;
const defaultLimit = 100;
// `step` is documented as ignored for log queries; `interval` is not modelled here, so it is refused.
const knownParams = new Set(['query', 'start', 'end', 'limit', 'direction', 'since', 'step']);

/**
 * A strict stand-in for Loki's `GET /loki/api/v1/query_range` (log queries only), built from Loki's
 * documented API: parameters checked as Loki checks them (400 with Loki's wording otherwise), a LogQL
 * subset (stream selector with =, !=, =~, !~; line filters |=, !=, |~, !~), the limit applied across
 * streams in the asked direction, and `streams` results. Only for the Loki adapter's tests (Loki itself is
 * AGPL and not used here).
 */
export class LokiEmulator {
  readonly streams: SeededStream[] = [];
  /** Every query it answered, as parsed parameters. */
  readonly requests: URLSearchParams[] = [];
  /** When set, every request gets this answer instead (429, 500, …). */
  failWith: { status: number; body: string } | null = null;
  /** Delay before answering, to make a client time out. */
  delayMs = 0;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => text(res, 500, String(error)));
    });
  }

  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  push(labels: Record<string, string>, entries: { time: Date | bigint; line: string }[]): void {
    let stream = this.streams.find((s) => sameLabels(s.labels, labels));
    if (!stream) {
      stream = { labels, entries: [] };
      this.streams.push(stream);
    }
    for (const entry of entries) {
      const ns = typeof entry.time === 'bigint' ? entry.time : BigInt(entry.time.getTime()) * 1_000_000n;
      stream.entries.push({ ns, line: entry.line });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (url.pathname !== '/loki/api/v1/query_range') return text(res, 404, '404 page not found\n');
    if (req.method !== 'GET' && req.method !== 'POST') return text(res, 405, 'method not allowed\n');
    if (this.failWith) return text(res, this.failWith.status, this.failWith.body);
    const params = url.searchParams;
    this.requests.push(params);
    const answer = this.queryRange(params);
    if ('error' in answer) return text(res, 400, answer.error);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  private queryRange(params: URLSearchParams): { body: unknown } | { error: string } {
    for (const name of params.keys()) {
      if (!knownParams.has(name)) return { error: `unknown query parameter: ${name}` };
    }
    for (const name of knownParams) {
      if (params.getAll(name).length > 1) return { error: `parameter ${name} given more than once` };
    }
    const queryText = params.get('query');
    if (queryText === null || queryText === '') return { error: 'query parameter is required' };
    const limitText = params.get('limit') ?? String(defaultLimit);
    if (!/^\d+$/.test(limitText))
      return { error: `invalid limit: ${limitText}: strconv.Atoi: parsing "${limitText}": invalid syntax` };
    const limit = Number(limitText);
    if (limit <= 0) return { error: 'limit must be a positive value' };
    if (limit > maxEntriesLimit)
      return {
        error: `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${maxEntriesLimit})`,
      };
    const direction = (params.get('direction') ?? 'backward').toLowerCase();
    if (direction !== 'forward' && direction !== 'backward')
      return { error: `invalid direction: ${params.get('direction')}` };
    const end =
      params.get('end') === null ? BigInt(Date.now()) * 1_000_000n : parseTime(params.get('end') as string);
    if (end === null) return { error: `cannot parse "${params.get('end')}" to a valid timestamp` };
    const since = params.get('since');
    const sinceNs = since === null ? 3_600_000_000_000n : durationNs(since);
    if (sinceNs === null) return { error: `invalid duration: ${since}` };
    const start = params.get('start') === null ? end - sinceNs : parseTime(params.get('start') as string);
    if (start === null) return { error: `cannot parse "${params.get('start')}" to a valid timestamp` };
    if (end <= start) return { error: 'end timestamp must not be before or equal to start time' };
    let query: LogqlQuery;
    try {
      query = parseLogql(queryText);
    } catch (error) {
      return { error: (error as Error).message };
    }
    const matched: { stream: SeededStream; ns: bigint; line: string }[] = [];
    for (const stream of this.streams) {
      for (const entry of stream.entries) {
        if (entry.ns >= start && entry.ns < end && matchesQuery(query, stream.labels, entry.line))
          matched.push({ stream, ...entry });
      }
    }
    const ordered = direction === 'backward' ? -1 : 1;
    matched.sort((a, b) => (a.ns === b.ns ? 0 : a.ns < b.ns ? -ordered : ordered));
    const kept = matched.slice(0, limit);
    const byStream = new Map<SeededStream, [string, string][]>();
    for (const entry of kept) {
      const values = byStream.get(entry.stream) ?? [];
      values.push([entry.ns.toString(), entry.line]);
      byStream.set(entry.stream, values);
    }
    return {
      body: {
        status: 'success',
        data: {
          resultType: 'streams',
          result: [...byStream].map(([stream, values]) => ({ stream: stream.labels, values })),
          stats: {},
        },
      },
    };
  }
}

/** Loki's time formats: integer nanoseconds (or seconds, when short), float seconds, or RFC 3339. */
function parseTime(value: string): bigint | null {
  if (/^\d+$/.test(value)) return value.length <= 10 ? BigInt(value) * 1_000_000_000n : BigInt(value);
  if (/^\d+\.\d+$/.test(value)) return BigInt(Math.round(Number(value) * 1e9));
  const ms = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(ms) ? BigInt(ms) * 1_000_000n : null;
}

/** A Prometheus-style duration (`1h`, `90m`, `1h30m`), in nanoseconds. */
function durationNs(text: string): bigint | null {
  const units: Record<string, bigint> = {
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
    d: 86_400_000_000_000n,
  };
  if (!/^(\d+(ms|s|m|h|d))+$/.test(text)) return null;
  let total = 0n;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g))
    total += BigInt(amount as string) * (units[unit as string] ?? 0n);
  return total;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}

import { AppError } from '../../errors.js';
import { endpoint, fetchStore, quoteLiteral } from './http-json.js';
import { type LogLine, type LogQuery, type LogResult, type LogStore, pickSource } from './log-store.js';

/** Loki's `query_range` answer for a log query. */
interface QueryRangeBody {
  status?: string;
  data?: {
    resultType?: string;
    result?: { stream?: Record<string, string>; values?: [string, string][] }[];
  };
}

/**
 * Loki over `GET /loki/api/v1/query_range`: a LogQL stream selector on the namespace and the exact filters,
 * a line filter for `--grep`, every user value a quoted literal; times in nanoseconds; newest first.
 * Raw query text is a LogQL pipeline appended after the selector (`|= "x" | json`), so it can narrow the
 * namespace's streams but never choose others.
 */
export class LokiStore implements LogStore {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    /** Loki's `max_entries_limit_per_query`: a larger limit is refused. @defaultValue 5000 */
    private readonly maxEntries = 5000,
  ) {
    this.name = `Loki at ${url}`;
  }

  async query(query: LogQuery, signal: AbortSignal): Promise<LogResult> {
    // One line more than asked tells whether more match, unless Loki's own cap forbids asking for it.
    const asked = Math.min(query.limit + 1, this.maxEntries);
    const params = new URLSearchParams({
      query: logqlOf(query),
      start: nanoseconds(query.start),
      // Loki's end is exclusive, as the window is.
      end: nanoseconds(query.end),
      limit: String(asked),
      direction: 'backward',
    });
    const text = await fetchStore({
      store: this.name,
      url: endpoint(this.url, 'loki/api/v1/query_range', params),
      timeoutMs: this.timeoutMs,
      signal,
    });
    const lines = parseStreams(this.name, text);
    const truncated = lines.length > query.limit || (asked === query.limit && lines.length === asked);
    return { lines: lines.slice(0, query.limit), truncated };
  }
}

/** `{namespace="…", app="…"} |= "…" <raw pipeline>`. */
export function logqlOf(query: LogQuery): string {
  const matchers = [
    ['namespace', query.namespace],
    ['app', query.app],
    ['pod', query.pod],
    ['container', query.container],
  ]
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([label, value]) => `${label}=${quoteLiteral(value)}`);
  const parts = [`{${matchers.join(', ')}}`];
  if (query.grep !== undefined) parts.push(`|= ${quoteLiteral(query.grep)}`);
  if (query.raw !== undefined) parts.push(query.raw);
  return parts.join(' ');
}

function nanoseconds(date: Date): string {
  return `${BigInt(date.getTime()) * 1_000_000n}`;
}

/** Every entry of every stream, newest first. */
function parseStreams(store: string, text: string): LogLine[] {
  let body: QueryRangeBody;
  try {
    body = JSON.parse(text) as QueryRangeBody;
  } catch (error) {
    throw new AppError('INTERNAL', `${store}: the answer is not JSON: ${text.slice(0, 200)}`, {
      cause: error,
    });
  }
  if (body.status !== 'success' || body.data?.resultType !== 'streams') {
    throw new AppError(
      'INVALID_INPUT',
      `${store}: expected log streams, got ${body.data?.resultType ?? body.status ?? 'nothing'}`,
      { userText: 'the query did not return log lines (a metric query is not a log query)' },
    );
  }
  const entries: { ns: bigint; line: LogLine }[] = [];
  for (const stream of body.data.result ?? []) {
    const labels = stream.stream ?? {};
    for (const [ns, message] of stream.values ?? []) {
      entries.push({
        ns: BigInt(ns),
        line: { time: isoOf(BigInt(ns)), source: pickSource(labels), message },
      });
    }
  }
  entries.sort((a, b) => (a.ns === b.ns ? 0 : a.ns > b.ns ? -1 : 1));
  return entries.map((e) => e.line);
}

/** Nanoseconds since the epoch as ISO 8601, keeping the nanoseconds. */
function isoOf(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

import { AppError } from '../../errors.js';
import { endpoint, fetchStore, quoteLiteral } from './http-json.js';
import { type LogLine, type LogQuery, type LogResult, type LogStore, pickSource } from './log-store.js';

/**
 * VictoriaLogs over its HTTP query API (`/select/logsql/query`, JSON lines, newest first with `limit`).
 * The namespace and the exact filters travel as `extra_filters`, which the server applies to the whole
 * query, subqueries included, and quotes itself: no user value is spliced into LogsQL except the `--grep`
 * text, as one quoted substring literal, and raw query text, which stays inside those filters.
 */
export class VictoriaLogsStore implements LogStore {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {
    this.name = `VictoriaLogs at ${url}`;
  }

  async query(query: LogQuery, signal: AbortSignal): Promise<LogResult> {
    const form = new URLSearchParams({
      query: logsqlOf(query),
      start: query.start.toISOString(),
      // `end` is inclusive in VictoriaLogs; the window is [start, end).
      end: new Date(query.end.getTime() - 1).toISOString(),
      limit: String(query.limit + 1),
      extra_filters: JSON.stringify(exactFilters(query)),
    });
    const body = await fetchStore({
      store: this.name,
      url: endpoint(this.url, 'select/logsql/query'),
      method: 'POST',
      body: form.toString(),
      contentType: 'application/x-www-form-urlencoded',
      timeoutMs: this.timeoutMs,
      signal,
    });
    const lines = body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => toLogLine(this.name, line));
    return { lines: lines.slice(0, query.limit), truncated: lines.length > query.limit };
  }
}

/** The exact filters, as VictoriaLogs' `extra_filters` JSON form (`{"field":"value"}`). */
function exactFilters(query: LogQuery): Record<string, string> {
  const filters: Record<string, string> = { namespace: query.namespace };
  if (query.app !== undefined) filters.app = query.app;
  if (query.pod !== undefined) filters.pod = query.pod;
  if (query.container !== undefined) filters.container = query.container;
  return filters;
}

/** The LogsQL `query` argument: the substring filter and raw text, or every line (`*`). */
export function logsqlOf(query: LogQuery): string {
  const parts: string[] = [];
  if (query.grep !== undefined) parts.push(`_msg:*${quoteLiteral(query.grep)}*`);
  if (query.raw !== undefined) parts.push(query.raw);
  return parts.length > 0 ? parts.join(' ') : '*';
}

function toLogLine(store: string, text: string): LogLine {
  let row: Record<string, unknown>;
  try {
    row = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new AppError('INTERNAL', `${store}: a result line is not JSON: ${text.slice(0, 200)}`, {
      cause: error,
    });
  }
  return {
    time: typeof row._time === 'string' ? row._time : '',
    source: pickSource(row),
    message: typeof row._msg === 'string' ? row._msg : JSON.stringify(row),
  };
}

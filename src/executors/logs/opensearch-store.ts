import { AppError } from '../../errors.js';
import { endpoint, fetchStore } from './http-json.js';
import { type LogLine, type LogQuery, type LogResult, type LogStore, pickSource } from './log-store.js';

/** Where the audit documents live and how they are paged. */
export interface OpenSearchStoreOptions {
  /** Index or pattern searched. @defaultValue 'audit-*' */
  index: string;
  /** Hits fetched per `_search`; pages follow with `search_after`. @defaultValue 1000 */
  pageSize: number;
  /** @defaultValue 15_000 */
  timeoutMs: number;
}

interface SearchHit {
  _id: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

/**
 * OpenSearch (or Elasticsearch: the same `_search` DSL) for audit logs. Every structured value is a term,
 * range or match_phrase clause in a bool filter, never query text; raw query text is a `query_string` next
 * to that filter, so it narrows the namespace's documents and cannot widen them. Results are sorted by
 * `@timestamp` with `_id` as tiebreaker and paged with `search_after`, so any limit works, past the
 * 10,000-hit window that from/size stops at. Documents: `@timestamp`, `namespace`, `app`, `pod`,
 * `container` (keywords) and `message`.
 */
export class OpenSearchStore implements LogStore {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly options: OpenSearchStoreOptions,
  ) {
    this.name = `OpenSearch at ${url}`;
  }

  async query(query: LogQuery, signal: AbortSignal): Promise<LogResult> {
    const wanted = query.limit + 1;
    const hits: SearchHit[] = [];
    let searchAfter: unknown[] | undefined;
    while (hits.length < wanted) {
      const size = Math.min(this.options.pageSize, wanted - hits.length);
      const page = await this.search(
        { ...searchBody(query), size, ...(searchAfter ? { search_after: searchAfter } : {}) },
        signal,
      );
      hits.push(...page);
      const last = page.at(-1);
      if (page.length < size || !last?.sort) break;
      searchAfter = last.sort;
    }
    const lines = hits.map(toLogLine);
    return { lines: lines.slice(0, query.limit), truncated: lines.length > query.limit };
  }

  private async search(body: Record<string, unknown>, signal: AbortSignal): Promise<SearchHit[]> {
    const text = await fetchStore({
      store: this.name,
      url: endpoint(
        this.url,
        `${this.options.index}/_search`,
        new URLSearchParams({ ignore_unavailable: 'true' }),
      ),
      method: 'POST',
      body: JSON.stringify(body),
      contentType: 'application/json',
      timeoutMs: this.options.timeoutMs,
      signal,
    });
    try {
      const parsed = JSON.parse(text) as { hits?: { hits?: SearchHit[] } };
      return parsed.hits?.hits ?? [];
    } catch (error) {
      throw new AppError('INTERNAL', `${this.name}: the answer is not JSON: ${text.slice(0, 200)}`, {
        cause: error,
      });
    }
  }
}

/** The query and sort of a search, without size or paging. */
export function searchBody(query: LogQuery): Record<string, unknown> {
  const filter: unknown[] = [
    { term: { namespace: query.namespace } },
    {
      range: {
        '@timestamp': {
          gte: query.start.toISOString(),
          lt: query.end.toISOString(),
          format: 'strict_date_optional_time',
        },
      },
    },
  ];
  for (const field of ['app', 'pod', 'container'] as const) {
    const value = query[field];
    if (value !== undefined) filter.push({ term: { [field]: value } });
  }
  if (query.grep !== undefined) filter.push({ match_phrase: { message: query.grep } });
  const must =
    query.raw === undefined ? [] : [{ query_string: { query: query.raw, default_field: 'message' } }];
  return {
    track_total_hits: false,
    query: { bool: { filter, must } },
    sort: [{ '@timestamp': { order: 'desc' } }, { _id: { order: 'asc' } }],
  };
}

function toLogLine(hit: SearchHit): LogLine {
  const source = hit._source ?? {};
  const time = source['@timestamp'];
  return {
    time: typeof time === 'string' ? time : typeof time === 'number' ? new Date(time).toISOString() : '',
    source: pickSource(source),
    message: typeof source.message === 'string' ? source.message : JSON.stringify(source),
  };
}

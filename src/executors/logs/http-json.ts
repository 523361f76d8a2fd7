import { fetchUpstream } from '../http-upstream.js';

/** How long a store may take to answer one request before the attempt counts as failed. @defaultValue 15_000 */
export const defaultLogStoreTimeoutMs = 15_000;

export interface StoreRequest {
  /** Names the store in errors: `VictoriaLogs at http://…`. */
  store: string;
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  contentType?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** One HTTP call to a log store; its failures as `fetchUpstream` maps them, told as the log store's. */
export function fetchStore({ store, ...request }: StoreRequest): Promise<string> {
  return fetchUpstream({ ...request, who: 'the log store', name: store, asked: 'the query' });
}

/** A quoted string literal for LogsQL and LogQL: both read Go's quoting, of which JSON's is a subset. */
export function quoteLiteral(value: string): string {
  return JSON.stringify(value);
}

/** `path` under a store's base URL, which may itself have a path (`http://host/loki` + `loki/api/v1/…`). */
export function endpoint(base: string, path: string, query?: URLSearchParams): string {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  if (query) url.search = query.toString();
  return url.toString();
}

import { AppError } from '../../errors.js';

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

/**
 * One HTTP call to a log store, its failures turned into AppErrors: unreachable, timed out, 429 and 5xx are
 * retryable; any other refusal carries the store's own message and is final (asking again changes nothing).
 */
export async function fetchStore(request: StoreRequest): Promise<string> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: request.contentType ? { 'content-type': request.contentType } : {},
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.any([request.signal, timeout]),
    });
  } catch (error) {
    if (timeout.aborted) {
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `${request.store}: no answer within ${request.timeoutMs} ms`,
        {
          cause: error,
          retryable: true,
          userText: `the log store did not answer within ${Math.round(request.timeoutMs / 1000)} s`,
        },
      );
    }
    if (request.signal.aborted) throw error;
    const reason = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new AppError('UPSTREAM_UNAVAILABLE', `${request.store}: unreachable (${reason})`, {
      cause: error,
      retryable: true,
      userText: `the log store cannot be reached (${reason})`,
    });
  }
  const text = await response.text();
  if (response.ok) return text;
  const message = storeMessage(text);
  const status = response.status;
  if (status === 429) {
    throw new AppError('UPSTREAM_UNAVAILABLE', `${request.store}: HTTP 429 ${message}`, {
      retryable: true,
      userText: 'the log store is rate limiting queries (HTTP 429)',
    });
  }
  if (status >= 500) {
    throw new AppError('UPSTREAM_UNAVAILABLE', `${request.store}: HTTP ${status} ${message}`, {
      retryable: true,
      userText: `the log store failed (HTTP ${status}): ${message}`,
    });
  }
  throw new AppError('INVALID_INPUT', `${request.store}: HTTP ${status} ${message}`, {
    userText: `the log store refused the query (HTTP ${status}): ${message}`,
  });
}

/** The store's explanation: an `error.reason` / `error` / `message` field of a JSON body, or the text itself. */
function storeMessage(text: string): string {
  let message = text.trim();
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const error = body.error as
      | { reason?: unknown; root_cause?: { reason?: unknown }[] }
      | string
      | undefined;
    if (typeof error === 'string') message = error;
    else if (error && typeof error.root_cause?.[0]?.reason === 'string') message = error.root_cause[0].reason;
    else if (error && typeof error.reason === 'string') message = error.reason;
    else if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON: Loki and VictoriaLogs answer errors as plain text.
  }
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
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

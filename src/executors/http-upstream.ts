import { AppError } from '../errors.js';

export interface UpstreamRequest {
  /** Names the upstream for people: `the log store`, `Alertmanager`. */
  who: string;
  /** Names it in logs: `VictoriaLogs at http://…`. */
  name: string;
  /** What a refusal refused, for people. @defaultValue the request */
  asked?: string;
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  body?: string;
  contentType?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One HTTP call to a platform system (a log store, Alertmanager), its failures turned into AppErrors once:
 * unreachable, timed out, 429 and 5xx are retryable; 404 is NOT_FOUND; any other refusal carries the
 * system's own message and is final (asking again changes nothing).
 */
export async function fetchUpstream(request: UpstreamRequest): Promise<string> {
  const { who, name } = request;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: request.contentType ? { 'content-type': request.contentType } : {},
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
    });
  } catch (error) {
    if (timeout.aborted) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `${name}: no answer within ${request.timeoutMs} ms`, {
        cause: error,
        retryable: true,
        userText: `${who} did not answer within ${Math.round(request.timeoutMs / 1000)} s`,
      });
    }
    if (request.signal?.aborted) throw error;
    const reason = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new AppError('UPSTREAM_UNAVAILABLE', `${name}: unreachable (${reason})`, {
      cause: error,
      retryable: true,
      userText: `${who} cannot be reached (${reason})`,
    });
  }
  const text = await response.text();
  if (response.ok) return text;
  const message = upstreamMessage(text) || response.statusText;
  const status = response.status;
  const internal = `${name}: ${request.method ?? 'GET'} answered HTTP ${status} ${message}`;
  if (status === 429) {
    throw new AppError('UPSTREAM_UNAVAILABLE', internal, {
      retryable: true,
      userText: `${who} is rate limiting requests (HTTP 429)`,
    });
  }
  if (status >= 500) {
    throw new AppError('UPSTREAM_UNAVAILABLE', internal, {
      retryable: true,
      userText: `${who} failed (HTTP ${status}): ${message}`,
    });
  }
  throw new AppError(status === 404 ? 'NOT_FOUND' : 'INVALID_INPUT', internal, {
    userText: `${who} refused ${request.asked ?? 'the request'} (HTTP ${status}): ${message}`,
  });
}

/**
 * The system's explanation: a JSON string (Alertmanager), an `error.root_cause[0].reason` / `error.reason` /
 * `error` / `message` field of a JSON body (OpenSearch, Loki), or the text itself.
 */
function upstreamMessage(text: string): string {
  let message = text.trim();
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'string') message = body;
    else if (typeof body === 'object' && body !== null) {
      const { error, message: said } = body as { error?: unknown; message?: unknown };
      const detail = error as { reason?: unknown; root_cause?: { reason?: unknown }[] } | string | undefined;
      if (typeof detail === 'string') message = detail;
      else if (detail && typeof detail.root_cause?.[0]?.reason === 'string')
        message = detail.root_cause[0].reason;
      else if (detail && typeof detail.reason === 'string') message = detail.reason;
      else if (typeof said === 'string') message = said;
    }
  } catch {
    // Not JSON: Loki and VictoriaLogs answer errors as plain text.
  }
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

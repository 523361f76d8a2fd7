import { ApiException } from '@kubernetes/client-node';
import { AppError } from '../errors.js';

/** The apiserver's own explanation, from a Status body when there is one. */
function statusMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.slice(0, 500);
    }
  }
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

/** Kubernetes API failures as AppErrors: retryable when waiting may help, final otherwise. */
export function fromKubeError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ApiException) {
    const code = error.code;
    const message = statusMessage(error.body) || `HTTP ${code}`;
    if (code === 404)
      return new AppError('NOT_FOUND', `${what}: ${message}`, {
        cause: error,
        userText: `${what}: not found`,
      });
    if (code === 409)
      return new AppError('CONFLICT', `${what}: ${message}`, { cause: error, retryable: true });
    if (code === 400 || code === 422) {
      return new AppError('INVALID_INPUT', `${what}: ${message}`, {
        cause: error,
        userText: `${what} was refused by the cluster: ${message}`,
      });
    }
    if (code === 401 || code === 403) {
      return new AppError('CONFIG', `${what}: ${message}`, {
        cause: error,
        userText: `${what}: the bot is not allowed to do this on the cluster (HTTP ${code}); the platform team has to fix its access`,
      });
    }
    if (code === 429 || code >= 500) {
      return new AppError('UPSTREAM_UNAVAILABLE', `${what}: ${message}`, { cause: error, retryable: true });
    }
    return new AppError('INTERNAL', `${what}: HTTP ${code} ${message}`, { cause: error });
  }
  // Network errors: connection refused, reset, TLS, DNS.
  return new AppError('UPSTREAM_UNAVAILABLE', `${what}: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
    retryable: true,
    userText: `${what}: the cluster cannot be reached`,
  });
}

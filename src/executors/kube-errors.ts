import { ApiException } from '@kubernetes/client-node';
import { AppError } from '../errors.js';

/** A Status body as an object, whether the client kept it as text or parsed it. */
function statusBody(body: unknown): Record<string, unknown> | null {
  if (typeof body === 'string') {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return null;
    }
  }
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
}

/** One field of an object that another field manager holds, which an apply without force would change. */
export interface FieldConflict {
  /** `HorizontalPodAutoscaler team-a-web/web`. */
  object: string;
  /** As the apiserver names it: `.spec.maxReplicas`. */
  field: string;
  /** The field manager that holds it: `kubectl-edit`. */
  manager: string;
}

/**
 * The fields and managers of a server-side apply refused for conflicts (HTTP 409, reason Conflict, one
 * cause `FieldManagerConflict` per field, its message `conflict with "kubectl-edit" using autoscaling/v2`);
 * null for any other error, a 409 for another reason included (AlreadyExists, a stale resourceVersion).
 */
export function fieldConflictsOf(error: unknown): { field: string; manager: string }[] | null {
  if (!(error instanceof ApiException) || error.code !== 409) return null;
  const details = statusBody(error.body)?.details as { causes?: unknown } | undefined;
  const causes = Array.isArray(details?.causes) ? (details.causes as Record<string, unknown>[]) : [];
  const conflicts = causes
    .filter((cause) => cause.reason === 'FieldManagerConflict')
    .map((cause) => ({
      field: typeof cause.field === 'string' ? cause.field : '(a field)',
      manager: /conflict with "([^"]*)"/.exec(String(cause.message ?? ''))?.[1] ?? '(unnamed manager)',
    }));
  return conflicts.length > 0 ? conflicts : null;
}

/**
 * Fields held by other managers: final (running it again meets the same owners), with a text that names
 * each object, field and manager, for the requester and, from the dry run, the approvers. `takeOver` says
 * what the request can do about it: `false` when its kind has `--take-over` and it was not given, `undefined`
 * when its kind has no such switch.
 */
export function fieldConflictError(
  conflicts: readonly FieldConflict[],
  options: { takeOver?: boolean; cause?: unknown } = {},
): AppError {
  const byObject = new Map<string, FieldConflict[]>();
  for (const conflict of conflicts)
    byObject.set(conflict.object, [...(byObject.get(conflict.object) ?? []), conflict]);
  const held = [...byObject].map(
    ([object, fields]) =>
      `${object}: ${fields.map((f) => `${f.field} is held by field manager '${f.manager}'`).join(', ')}`,
  );
  const them = conflicts.length === 1 ? 'it' : 'them';
  const next =
    options.takeOver === false
      ? ` Ask again with --take-over to take ${them} over.`
      : ' Ask the owner of that manager, or the platform team, to hand the fields back.';
  const text = `${held.join('; ')}; nothing was overwritten.${next}`;
  return new AppError('FIELD_CONFLICT', `fields held by other managers: ${held.join('; ')}`, {
    cause: options.cause,
    userText: text,
  });
}

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
    const conflicts = fieldConflictsOf(error);
    if (conflicts)
      return fieldConflictError(
        conflicts.map((c) => ({ ...c, object: what })),
        { cause: error },
      );
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

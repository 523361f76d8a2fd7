/** The error vocabulary: one string code per kind of failure, user-safe text kept apart from the internal message. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNKNOWN_KIND'
  | 'POLICY_DENIED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** Fields a change would set are held by another field manager (server-side apply without force). */
  | 'FIELD_CONFLICT'
  /** A finite resource (a pool of addresses) has nothing left to give. */
  | 'EXHAUSTED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'POLICY_ENGINE'
  | 'CONFIG'
  | 'INTERNAL';

export interface AppErrorOptions {
  /** Text safe to show in Slack; when absent the user sees a generic message with a reference. */
  userText?: string;
  /** Whether running the same operation again may succeed. @defaultValue false */
  retryable?: boolean;
  cause?: unknown;
}

export class AppError extends Error {
  readonly userText: string | undefined;
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.userText = options.userText;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad input from a person: the message is meant for them. */
export class InputError extends AppError {
  constructor(message: string, options: Omit<AppErrorOptions, 'userText'> = {}) {
    super('INVALID_INPUT', message, { ...options, userText: message });
  }
}

/** A configuration file or setting is invalid; the message lists every problem. */
export class ConfigError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('CONFIG', message, options);
  }
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Error) return new AppError('INTERNAL', error.message, { cause: error });
  return new AppError('INTERNAL', typeof error === 'string' ? error : JSON.stringify(error), {
    cause: error,
  });
}

/** What a person sees for any error: the user-safe text, or a reference to look up in the logs. */
export function userTextOf(error: unknown, reference: string): string {
  const appError = toAppError(error);
  return (
    appError.userText ?? `Something went wrong (ref ${reference}). The platform team can find it in the logs.`
  );
}

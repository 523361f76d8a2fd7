import { AppError } from '../errors.js';

export interface SilenceMatcher {
  name: string;
  value: string;
}

export interface NewSilence {
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/** Alertmanager's API v2 for silences: create (POST /api/v2/silences) and expire (DELETE /api/v2/silence/{id}). */
export class AlertmanagerClient {
  readonly #base: string;

  constructor(
    url: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.#base = url.replace(/\/+$/, '');
  }

  /** Creates the silence; its id. Matchers are exact (`=`), never regular expressions. */
  async createSilence(silence: NewSilence): Promise<string> {
    const body = {
      matchers: silence.matchers.map((m) => ({
        name: m.name,
        value: m.value,
        isRegex: false,
        isEqual: true,
      })),
      startsAt: silence.startsAt.toISOString(),
      endsAt: silence.endsAt.toISOString(),
      createdBy: silence.createdBy,
      comment: silence.comment,
    };
    const answer = await this.call('POST', '/api/v2/silences', body);
    const id = (answer as { silenceID?: unknown } | null)?.silenceID;
    if (typeof id !== 'string')
      throw new AppError('INTERNAL', 'alertmanager answered a silence without an id');
    return id;
  }

  /** Expires a silence; false when Alertmanager does not know it. */
  async expireSilence(id: string): Promise<boolean> {
    try {
      await this.call('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  private async call(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `alertmanager ${this.#base} unreachable`, {
        cause: error,
        retryable: true,
        userText: 'Alertmanager could not be reached; trying again.',
      });
    }
    const text = await response.text();
    if (response.ok) return text ? (JSON.parse(text) as unknown) : null;
    // Its 400 answers are a JSON string with the reason, e.g. "end time can't be in the past".
    const reason = text ? String(safeJson(text)).slice(0, 300) : response.statusText;
    if (response.status === 404)
      throw new AppError('NOT_FOUND', `alertmanager: ${reason}`, { userText: reason });
    throw new AppError(
      response.status >= 500 || response.status === 429 ? 'UPSTREAM_UNAVAILABLE' : 'INVALID_INPUT',
      `alertmanager ${method} ${path} answered ${response.status}: ${reason}`,
      {
        retryable: response.status >= 500 || response.status === 429,
        userText: `Alertmanager refused: ${reason}`,
      },
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

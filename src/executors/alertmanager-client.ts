import { AppError } from '../errors.js';
import { fetchUpstream } from './http-upstream.js';

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

/**
 * Alertmanager's API v2 for silences: create (POST /api/v2/silences), read (GET /api/v2/silence/{id}) and
 * expire (DELETE /api/v2/silence/{id}).
 */
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

  /** A silence's state (`active`, `pending`, `expired`); null when Alertmanager does not know it. */
  async silenceState(id: string): Promise<string | null> {
    try {
      const silence = await this.call('GET', `/api/v2/silence/${encodeURIComponent(id)}`);
      const state = (silence as { status?: { state?: unknown } } | null)?.status?.state;
      if (typeof state !== 'string')
        throw new AppError('INTERNAL', `alertmanager answered silence ${id} without a state`);
      return state;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
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

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const text = await fetchUpstream({
      who: 'Alertmanager',
      name: `alertmanager ${this.#base}`,
      url: `${this.#base}${path}`,
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
      timeoutMs: this.timeoutMs,
    });
    return text ? (JSON.parse(text) as unknown) : null;
  }
}

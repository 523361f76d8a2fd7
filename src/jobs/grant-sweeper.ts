import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What the sweeper needs from the grants kept in Redis. Today these are ACLs (`executors/acl-grants.ts`). */
export interface GrantLedger {
  /** Request ids of grants whose expiry is at or before `at`, from their records in Redis, oldest first. */
  expired(at: Date): Promise<string[]>;
  /** Whether the grant's object is still in its cluster's apiserver. Throws when the apiserver does not answer. */
  present(requestId: string): Promise<boolean>;
}

/** What a sweep did about a revocation: queued one, found one queued or running, or started a given-up one again. */
export type RevocationStatus = 'queued' | 'pending' | 'restarted';

/** How the sweeper gets a grant revoked: through the request's one revocation job, never beside it. */
export interface Revocations {
  /** Makes sure the request's revocation job is queued or running, and starts it again if it was given up. */
  ensure(requestId: string): Promise<RevocationStatus>;
}

export interface GrantSweeperOptions {
  /**
   * A grant still present this long after its expiry counts as overdue: long enough for its revocation job
   * and a sweep to have run. @defaultValue 120000 ms
   */
  overdueAfterMs?: number;
  /** A presence check that takes longer counts as "not confirmed gone". @defaultValue 1000 ms */
  presenceTimeoutMs?: number;
  /** The clock. @defaultValue the system clock */
  now?: () => Date;
}

/**
 * Revokes every grant past its expiry, whatever became of the delayed job meant to: lost, given up after
 * its retries, or never scheduled because the request failed after applying. It works from the records in
 * Redis and hands each grant to the request's revocation job (deduplicated by job id), so a grant is
 * revoked once however many sweeps and timers see it.
 */
export class GrantSweeper {
  readonly #overdueAfterMs: number;
  readonly #presenceTimeoutMs: number;
  readonly #now: () => Date;

  constructor(
    private readonly ledger: GrantLedger,
    private readonly revocations: Revocations,
    private readonly log: Logger,
    options: GrantSweeperOptions = {},
  ) {
    this.#overdueAfterMs = options.overdueAfterMs ?? 120_000;
    this.#presenceTimeoutMs = options.presenceTimeoutMs ?? 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /** One sweep: a revocation for every grant past its expiry. One grant's failure does not stop the others. */
  async sweep(): Promise<Record<RevocationStatus | 'failed', number>> {
    const expired = await this.ledger.expired(this.#now());
    const counts = { queued: 0, pending: 0, restarted: 0, failed: 0 };
    for (const requestId of expired) {
      try {
        const status = await this.revocations.ensure(requestId);
        counts[status]++;
        if (status !== 'pending')
          this.log.warn({ requestId, status }, 'revocation of an expired grant queued');
      } catch (error) {
        counts.failed++;
        this.log.error(
          { requestId, err: error },
          'could not queue the revocation of a grant past its expiry',
        );
      }
    }
    if (expired.length > 0) this.log.info({ expired: expired.length, ...counts }, 'grants swept');
    return counts;
  }

  /**
   * Grants past their expiry (by more than the grace) that are still in force in the apiserver, or whose
   * apiserver did not answer: a revocation that did not happen is only as safe as the proof it did.
   */
  async overdue(): Promise<number> {
    const before = new Date(this.#now().getTime() - this.#overdueAfterMs);
    const expired = await this.ledger.expired(before);
    const present = await Promise.all(
      expired.map((requestId) =>
        withTimeout(this.ledger.present(requestId), this.#presenceTimeoutMs).catch(() => true),
      ),
    );
    return present.filter(Boolean).length;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('UPSTREAM_UNAVAILABLE', `no answer within ${ms} ms`, { retryable: true })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

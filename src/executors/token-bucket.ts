import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors.js';

export interface RateLimit {
  /** Sustained requests per second. */
  qps: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

/** What a client waits on before each request; a token bucket by default. */
export interface RequestGate {
  take(): Promise<void>;
}

/**
 * A token bucket: `burst` tokens, refilled at `qps` per second; `take` waits for a token, first come first
 * served. One per cluster, so a busy cluster never spends another's budget.
 */
export class TokenBucket implements RequestGate {
  #tokens: number;
  #updated: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: { now(): number; sleep(ms: number): Promise<unknown> } = {
      now: () => performance.now(),
      sleep,
    },
  ) {
    if (!(limit.qps > 0) || !(limit.burst >= 1))
      throw new ConfigError('a rate limit needs qps > 0 and burst >= 1');
    this.#tokens = limit.burst;
    this.#updated = clock.now();
  }

  take(): Promise<void> {
    // Chained so that waiters are served in order and never race for the same token.
    const turn = this.#queue.then(() => this.acquire());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.#tokens = Math.min(
        this.limit.burst,
        this.#tokens + ((now - this.#updated) / 1000) * this.limit.qps,
      );
      this.#updated = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.clock.sleep(((1 - this.#tokens) / this.limit.qps) * 1000);
    }
  }
}

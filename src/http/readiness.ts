/** A readiness condition: null when it holds, else why not (short, for a person reading a probe). */
export type ReadinessCheck = () => Promise<string | null> | string | null;

/**
 * Whether this process should get work: every registered condition holds and shutdown has not begun.
 * Liveness is apart (`/healthz`): a process that is not ready is not broken and must not be restarted.
 */
export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  #stopping = false;

  /** Adds (or replaces) a named condition. */
  require(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** From now on the process reports not ready, so traffic drains before it stops. */
  beginShutdown(): void {
    this.#stopping = true;
  }

  async report(): Promise<{ ready: boolean; reasons: string[] }> {
    if (this.#stopping) return { ready: false, reasons: ['shutting down'] };
    const results = await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        try {
          const reason = await check();
          return reason === null ? null : `${name}: ${reason}`;
        } catch (error) {
          return `${name}: ${(error as Error)?.message ?? String(error)}`;
        }
      }),
    );
    const reasons = results.filter((r): r is string => r !== null);
    return { ready: reasons.length === 0, reasons };
  }
}

import type { Logger } from '../logger.js';

/**
 * What a process must stop, in the reverse of the order it started: each part pushes its stop as soon as
 * it runs, so a start that fails halfway stops exactly what it had started. A failing step is logged and
 * the next one still runs; a second `stop()` waits for the first.
 */
export class StopStack {
  readonly #steps: (() => Promise<unknown>)[] = [];
  #stopping: Promise<void> | null = null;

  constructor(private readonly log: Logger) {}

  push(step: () => Promise<unknown>): void {
    this.#steps.push(step);
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const step of this.#steps.reverse())
        await step().catch((error: unknown) => this.log.warn({ err: error }, 'stop step failed'));
    })();
    return this.#stopping;
  }
}

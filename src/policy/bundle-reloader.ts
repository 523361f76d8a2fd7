import type { Logger } from '../logger.js';
import { type Metrics, noMetrics } from '../metrics/metrics.js';
import { BundleRefusedError } from './bundle-refusal.js';
import type { BundleSource } from './bundle-sources.js';
import type { OpaPolicyEngine } from './opa-policy-engine.js';
import { describe } from './policy-bundle.js';

export interface BundleReloaderOptions {
  /** Pause between polls. @defaultValue 10 000 ms */
  intervalMs?: number;
  /** Counts refusals by cluster type and reason. @defaultValue noMetrics */
  metrics?: Pick<Metrics, 'policyBundleRefused'>;
  /** Revisions refused before the reloader started (at start-up), per cluster type. @defaultValue none */
  refused?: ReadonlyMap<string, string>;
}

/**
 * Polls a bundle source and puts newer bundles in service. A bundle that is refused (unsigned or badly
 * signed, over its bounds, does not load, fails the engine's probe) is counted and logged with the reason,
 * once, and the bundle in service keeps deciding.
 */
export class BundleReloader {
  readonly #refused: Map<string, string>;
  #timer: NodeJS.Timeout | null = null;
  #polling: Promise<void> | null = null;

  constructor(
    private readonly engine: OpaPolicyEngine,
    private readonly source: BundleSource,
    private readonly clusterTypes: readonly string[],
    private readonly log: Logger,
    private readonly options: BundleReloaderOptions = {},
  ) {
    this.#refused = new Map(options.refused);
  }

  start(): void {
    const tick = () => {
      this.#timer = setTimeout(async () => {
        await this.pollNow();
        if (this.#timer) tick();
      }, this.options.intervalMs ?? 10_000);
      this.#timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#polling;
  }

  /** One poll of every cluster type; concurrent callers share it. */
  pollNow(): Promise<void> {
    this.#polling ??= this.pollAll().finally(() => {
      this.#polling = null;
    });
    return this.#polling;
  }

  private async pollAll(): Promise<void> {
    for (const clusterType of this.clusterTypes) {
      const current = this.engine.revisionOf(clusterType);
      const known = new Set(
        [current, this.#refused.get(clusterType)].filter((r): r is string => r !== undefined),
      );
      try {
        const bundle = await this.source.poll(clusterType, known);
        if (!bundle) continue;
        const started = performance.now();
        this.engine.install(bundle);
        this.#refused.delete(clusterType);
        this.log.info(
          {
            clusterType,
            from: current,
            to: bundle.revision,
            ms: Math.round(performance.now() - started),
            source: this.source.description,
          },
          'policy bundle reloaded',
        );
      } catch (error) {
        const reason = error instanceof BundleRefusedError ? error.reason : 'unavailable';
        if (error instanceof BundleRefusedError) {
          this.#refused.set(clusterType, error.revision);
          (this.options.metrics ?? noMetrics).policyBundleRefused(clusterType, reason);
        }
        this.log.error(
          { clusterType, keeping: current, reason, source: this.source.description, err: describe(error) },
          'policy bundle refused; the bundle in service keeps deciding',
        );
      }
    }
  }
}

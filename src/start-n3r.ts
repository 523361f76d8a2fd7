import type { ClusterRegistry } from './config/cluster-registry.js';
import type { Settings } from './config/settings.js';
import { Readiness } from './http/readiness.js';
import type { Logger } from './logger.js';
import { loadPolicyEngine } from './policy/load-policy-engine.js';
import { botRole } from './roles/bot.js';
import { startOpsHttp } from './roles/ops-http.js';
import { buildSharedAdapters } from './roles/shared-adapters.js';
import { StopStack } from './roles/stop-stack.js';
import { startWorkerRole } from './roles/worker.js';

export interface RunningN3r {
  /** Port the Slack receiver listens on, when the bot role runs here in HTTP mode. */
  port: number | null;
  /** Port of the process's own HTTP endpoint (health, metrics, webhooks). */
  opsPort: number;
  stop(): Promise<void>;
}

/**
 * The composition root: builds the shared adapters, brings up the ops endpoint, loads the policy bundles,
 * then starts the roles asked for (N3R_ROLE: worker, bot, or all). Stopping undoes it in reverse.
 */
export async function startN3r(
  settings: Settings,
  registry: ClusterRegistry,
  log: Logger,
): Promise<RunningN3r> {
  log.info({ settings }, 'starting');
  const readiness = new Readiness();
  const stops = new StopStack(log);
  // Readiness turns false before anything stops; a second call waits for the first.
  const stop = () => {
    readiness.beginShutdown();
    return stops.stop();
  };
  try {
    const shared = buildSharedAdapters(settings, registry, readiness, log, stops);
    const bot = settings.role === 'worker' ? null : botRole(settings, registry, shared, readiness, log);
    const ops = await startOpsHttp(
      settings,
      { readiness, metrics: shared.metrics },
      bot?.routes ?? [],
      log,
      stops,
    );
    const { reloader } = await loadPolicyEngine(settings, log, shared.metrics, shared.engine);
    stops.push(() => reloader.stop());
    if (settings.role !== 'bot') await startWorkerRole(settings, registry, shared, log, stops);
    const port = bot ? await bot.start(stops) : null;
    return { port, opsPort: ops.port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

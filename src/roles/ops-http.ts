import type { Settings } from '../config/settings.js';
import { opsRoutes } from '../http/ops-routes.js';
import { type HttpRoute, type OpsServer, startOpsServer } from '../http/ops-server.js';
import type { Readiness } from '../http/readiness.js';
import type { Logger } from '../logger.js';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import type { StopStack } from './stop-stack.js';

/**
 * The process's own endpoint, both roles: health, readiness and metrics, plus the routes a role serves on
 * it (the bot's Alertmanager webhook). It comes up before anything slow starts and goes down after it
 * stopped, so probes see "not ready" while the process starts and stops, and metrics stay scrapable.
 */
export async function startOpsHttp(
  settings: Pick<Settings, 'http'>,
  deps: { readiness: Readiness; metrics: PrometheusMetrics },
  roleRoutes: readonly HttpRoute[],
  log: Logger,
  stops: StopStack,
): Promise<OpsServer> {
  const routes = [
    ...opsRoutes({ readiness: deps.readiness, scrape: () => deps.metrics.scrape() }),
    ...roleRoutes,
  ];
  const ops = await startOpsServer(routes, {
    ...settings.http,
    log,
    onRouteError: () => deps.metrics.error('http', 'INTERNAL'),
  });
  stops.push(() => ops.stop());
  log.info({ port: ops.port, host: settings.http.host }, 'ops endpoint listening');
  return ops;
}

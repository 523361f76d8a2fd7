import type { HttpRoute } from './ops-server.js';
import type { Readiness } from './readiness.js';

/**
 * `/healthz` (liveness: the process serves HTTP), `/readyz` (503 with the reasons while any condition
 * fails) and `/metrics` (Prometheus exposition).
 */
export function opsRoutes(deps: {
  readiness: Readiness;
  scrape: () => Promise<{ contentType: string; body: string }>;
}): HttpRoute[] {
  return [
    { method: 'GET', path: '/healthz', handle: async () => ({ status: 200, body: { status: 'ok' } }) },
    {
      method: 'GET',
      path: '/readyz',
      handle: async () => {
        const { ready, reasons } = await deps.readiness.report();
        return ready
          ? { status: 200, body: { status: 'ready' } }
          : { status: 503, body: { status: 'not ready', reasons } };
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async () => {
        const { contentType, body } = await deps.scrape();
        return { status: 200, contentType, body };
      },
    },
  ];
}

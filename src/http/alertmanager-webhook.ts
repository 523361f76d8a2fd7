import { createHash, timingSafeEqual } from 'node:crypto';
import { type AlertRoute, groupIdOf, mergeNotification } from '../alerts/alert-group.js';
import type { AlertmanagerPayload } from '../alerts/webhook-payload.js';
import { parseWebhookPayload } from '../alerts/webhook-payload.js';
import type { Logger } from '../logger.js';
import type { RedisAlertStore } from '../store/redis-alert-store.js';
import type { HttpRoute } from './ops-server.js';

export interface AlertWebhookDeps {
  /** The bearer token Alertmanager's `http_config.authorization` sends. */
  token: string;
  store: RedisAlertStore;
  /** Where a new group goes (read once, on its first notification). */
  route(payload: AlertmanagerPayload): Promise<AlertRoute>;
  log: Logger;
  now?: () => Date;
}

/**
 * `POST /webhooks/alertmanager`: checks the bearer token before reading anything else (a wrong one is
 * answered 401 and leaves no trace), validates the version-4 body (400 with every problem), then only
 * stores the notification and queues its group for its channel, and answers 200 at once. Slack is told
 * later by the channel's sender, at the pace Slack allows.
 */
export function alertmanagerWebhookRoute(deps: AlertWebhookDeps): HttpRoute {
  const expected = digest(`Bearer ${deps.token}`);
  const now = deps.now ?? (() => new Date());
  return {
    method: 'POST',
    path: '/webhooks/alertmanager',
    maxBodyBytes: 8 * 1024 * 1024,
    handle: async (request) => {
      const given = request.headers.authorization;
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer' },
          body: { error: 'a valid bearer token is required' },
        };
      }
      const parsed = parseWebhookPayload(request.body);
      if (!parsed.ok) {
        return {
          status: 400,
          body: { error: 'not an Alertmanager webhook (version 4) payload', problems: parsed.problems },
        };
      }
      const { payload } = parsed;
      const id = groupIdOf(payload.groupKey);
      const known = await deps.store.get(id);
      const route = known?.group.route ?? (await deps.route(payload));
      const at = now();
      const stored = await deps.store.change(id, (group) => mergeNotification(group, payload, route, at));
      // Queued even when unchanged: a retry after a failure between storing and queueing must not be lost.
      await deps.store.markPending((stored ?? known)?.group.route.channel ?? route.channel, id, at.getTime());
      deps.log.debug(
        { groupId: id, status: payload.status, alerts: payload.alerts.length, changed: stored !== null },
        'alert notification stored',
      );
      return { status: 200, body: { status: 'stored', group: id } };
    },
  };
}

/** Equal-length digests, so the comparison takes the same time whatever the token's length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

import { alertmanagerUrlOf } from '../../alerts/alertmanager-url.js';
import type { KindExecutor } from '../../core/ports.js';
import { AppError } from '../../errors.js';
import { AlertmanagerClient } from '../../executors/alertmanager-client.js';
import { type ExecutorDeps, executorOptions } from '../../executors/executor-deps.js';
import { RedisAlertStore } from '../../store/redis-alert-store.js';
import type { AlertUnsilenceParams } from './params.js';

/**
 * Expires the silence in the cluster's Alertmanager and records on its group who expired it, so the parent
 * drops its Expire button. Idempotent: a silence already expired, or one Alertmanager no longer knows, is
 * already gone, and the group records it the same way.
 */
export function alertUnsilenceExecutor(deps: ExecutorDeps): KindExecutor<AlertUnsilenceParams> {
  const alerts = new RedisAlertStore(deps.redis, deps.prefix);
  return async ({ record, params, dryRun, log }) => {
    const group = params.group ? ((await alerts.get(params.group))?.group ?? null) : null;
    const url = alertmanagerUrlOf(deps.registry, params.cluster, group);
    if (!url) {
      throw new AppError('CONFIG', `no alertmanager for cluster ${params.cluster}`, {
        userText: `No Alertmanager is known for cluster ${params.cluster}, so the silence cannot be expired from here.`,
      });
    }
    const client = new AlertmanagerClient(url);
    const state = await client.silenceState(params.silence);
    const live = state !== null && state !== 'expired';
    if (dryRun) {
      return {
        summary: live
          ? `Would expire silence ${params.silence}`
          : `Silence ${params.silence} is already gone`,
        details: [],
      };
    }
    // Expired in the meantime (a 404 now) is as good as expired here.
    const expiredNow = live ? await client.expireSilence(params.silence) : false;
    log.info({ silenceId: params.silence, state, expiredNow }, 'silence expired');
    if (params.group) {
      const who = record.requester.slackId;
      const stored = await alerts.change(params.group, (g) =>
        g?.silences.some((s) => s.id === params.silence && !s.expiredBy)
          ? {
              ...g,
              silences: g.silences.map((s) => (s.id === params.silence ? { ...s, expiredBy: who } : s)),
              revision: g.revision + 1,
            }
          : null,
      );
      const now = executorOptions(deps).now();
      if (stored) await alerts.markPending(stored.group.route.channel, stored.group.id, now.getTime());
    }
    return {
      summary: expiredNow
        ? `Expired silence ${params.silence}`
        : `Silence ${params.silence} was already gone (${state ?? 'unknown to Alertmanager'}); nothing changed`,
      details: [],
    };
  };
}

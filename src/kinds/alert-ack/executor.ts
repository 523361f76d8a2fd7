import { groupTitle } from '../../alerts/alert-group.js';
import type { KindExecutor } from '../../core/ports.js';
import { AppError } from '../../errors.js';
import { type ExecutorDeps, executorOptions } from '../../executors/executor-deps.js';
import { RedisAlertStore } from '../../store/redis-alert-store.js';
import type { AlertAckParams } from './params.js';

/**
 * Records the requester's acknowledgement on the group and queues its parent for a redraw. Idempotent: a
 * person who already acknowledged it is not added again.
 */
export function alertAckExecutor(deps: ExecutorDeps): KindExecutor<AlertAckParams> {
  const alerts = new RedisAlertStore(deps.redis, deps.prefix);
  return async ({ record, params, dryRun, log }) => {
    const who = record.requester.slackId;
    const found = await alerts.get(params.group);
    if (!found) {
      throw new AppError('NOT_FOUND', `alert group ${params.group} is not known`, {
        userText: `Alert group ${params.group} is no longer known here; nothing was acknowledged.`,
      });
    }
    const title = groupTitle(found.group);
    const before = found.group.acks.find((a) => a.slackId === who);
    if (dryRun) {
      return {
        summary: before ? `${title} is already acknowledged` : `Would acknowledge ${title}`,
        details: [],
      };
    }
    const now = executorOptions(deps).now();
    let already = before;
    let gone = false;
    const stored = await alerts.change(params.group, (g) => {
      gone = g === null;
      already = g?.acks.find((a) => a.slackId === who);
      if (!g || already) return null;
      return { ...g, acks: [...g.acks, { slackId: who, at: now.toISOString() }], revision: g.revision + 1 };
    });
    if (gone) throw new AppError('NOT_FOUND', `alert group ${params.group} is not known`);
    if (stored) {
      await alerts.markPending(stored.group.route.channel, stored.group.id, now.getTime());
      log.info({ groupId: params.group }, 'alert acknowledged');
      return { summary: `Acknowledged ${title}`, details: [] };
    }
    return {
      summary: `Already acknowledged ${title}${already ? ` at ${already.at}` : ''}; nothing changed`,
      details: [],
    };
  };
}

import { alertmanagerUrlOf } from '../../alerts/alertmanager-url.js';
import type { KindExecutor } from '../../core/ports.js';
import { AppError } from '../../errors.js';
import { AlertmanagerClient } from '../../executors/alertmanager-client.js';
import { type ExecutorDeps, executorOptions } from '../../executors/executor-deps.js';
import { RedisAlertStore } from '../../store/redis-alert-store.js';
import type { AlertSilenceParams } from './params.js';

/**
 * Creates the silence in the cluster's Alertmanager with exactly the matchers the policy allowed, and, when
 * it was asked from an alert thread, records it on the group so the parent shows it with an Expire button.
 */
export function alertSilenceExecutor(deps: ExecutorDeps): KindExecutor<AlertSilenceParams> {
  const alerts = new RedisAlertStore(deps.redis, deps.prefix);
  return async ({ record, params, dryRun, log }) => {
    const group = params.group ? ((await alerts.get(params.group))?.group ?? null) : null;
    const url = alertmanagerUrlOf(deps.registry, params.cluster, group);
    if (!url) {
      throw new AppError('CONFIG', `no alertmanager for cluster ${params.cluster}`, {
        userText: `No Alertmanager is known for cluster ${params.cluster}.`,
      });
    }
    const seconds = params.duration.seconds;
    const now = executorOptions(deps).now();
    const until = new Date(now.getTime() + seconds * 1000);
    const matchers = params.matchers.map((m) => `${m.name}="${m.value}"`).join(', ');
    if (dryRun) return { summary: `Would silence {${matchers}} until ${until.toISOString()}`, details: [] };
    const id = await new AlertmanagerClient(url).createSilence({
      matchers: params.matchers,
      startsAt: now,
      endsAt: until,
      createdBy: `${record.requester.email ?? record.requester.slackId} (n3r request ${record.id})`,
      comment: params.comment,
    });
    log.info({ silenceId: id, until: until.toISOString() }, 'silence created');
    if (params.group) {
      const silence = {
        id,
        slackId: record.requester.slackId,
        until: until.toISOString(),
        requestId: record.id,
      };
      const stored = await alerts.change(params.group, (g) =>
        g && !g.silences.some((s) => s.id === id)
          ? { ...g, silences: [...g.silences, silence], revision: g.revision + 1 }
          : null,
      );
      if (stored) await alerts.markPending(stored.group.route.channel, stored.group.id, now.getTime());
      // `/n3r alert unsilence <id>` finds the group from the silence.
      await alerts.indexSilence(id, params.group);
    }
    return {
      summary: `Silenced until ${until.toISOString()} (silence ${id})`,
      // Plain text: the bot escapes it when it shows it; the alert thread's parent names who silenced.
      details: [`matchers: {${matchers}}`, `comment: ${params.comment}`],
    };
  };
}

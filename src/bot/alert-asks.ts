import type { AlertGroup } from '../alerts/alert-group.js';
import type { Ask } from '../core/submit-request.js';
import { alertAck } from '../kinds/alert-ack/index.js';
import { alertUnsilence } from '../kinds/alert-unsilence/index.js';
import { alertGroupId, silenceId } from '../kinds/params/alert.js';
import type { RedisAlertStore } from '../store/redis-alert-store.js';
import { notice } from './views/messages.js';
import type { SlackMessage } from './views/primitives.js';

/**
 * Completes an ask about an alert group (`alert.ack`, `alert.unsilence`) from what n3r keeps of the group:
 * its cluster (the policy bundle and Alertmanager are the cluster's), the group a silence was made from,
 * and the group's thread, where the request card then goes. An unknown group or silence is answered here,
 * before anything is stored. Other asks pass unchanged; ids that do not parse are left for the kind's
 * schema to name.
 */
export async function completeAlertAsk(alerts: RedisAlertStore, ask: Ask): Promise<Ask | SlackMessage> {
  const raw = ask.rawParams;
  if (ask.kind.id === alertAck.id) {
    const id = alertGroupId.safeParse(raw.group);
    if (!id.success) return ask;
    const stored = await alerts.get(id.data);
    if (!stored) return notice(`There is no alert group ${id.data} here. Nothing was changed.`);
    return inGroup(ask, stored.group);
  }
  if (ask.kind.id === alertUnsilence.id) {
    const silence = silenceId.safeParse(raw.silence);
    if (!silence.success) return ask;
    const given = alertGroupId.safeParse(raw.group);
    if (raw.group !== undefined && !given.success) return ask;
    const id = given.success ? given.data : await alerts.groupOfSilence(silence.data);
    const stored = id ? await alerts.get(id) : null;
    if (!stored?.group.silences.some((s) => s.id === silence.data)) {
      return notice(
        given.success
          ? `Alert group ${given.data} has no silence ${silence.data}. Nothing was changed.`
          : `n3r knows no silence ${silence.data}: only silences made from an alert thread can be expired here (others in Alertmanager itself). Nothing was changed.`,
      );
    }
    return inGroup({ ...ask, rawParams: { ...raw, group: stored.group.id } }, stored.group);
  }
  return ask;
}

function inGroup(ask: Ask, group: AlertGroup): Ask | SlackMessage {
  const cluster = ask.rawParams.cluster ?? group.route.cluster;
  if (!cluster) {
    return notice(
      'The alerts of this group name no cluster of the registry, so n3r has no policy to decide this by. Nothing was changed.',
    );
  }
  return {
    ...ask,
    rawParams: { ...ask.rawParams, cluster },
    ...(group.thread ? { channel: group.thread.channel, threadTs: group.thread.ts } : {}),
  };
}

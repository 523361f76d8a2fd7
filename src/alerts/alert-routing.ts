import { type ClusterRegistry, findCluster } from '../config/cluster-registry.js';
import type { FactsProvider } from '../core/ports.js';
import type { Logger } from '../logger.js';
import type { AlertRoute } from './alert-group.js';
import type { AlertmanagerPayload } from './webhook-payload.js';

/**
 * Where a new alert group goes: the owning team's on-call channel, else the registry's default. The team is
 * the owner of the namespace the alerts name (its `n3r.io/team` label, read through the facts provider), or
 * the `team` label when the namespace names none; a lookup that fails falls back the same way.
 */
export async function routeAlertGroup(
  payload: AlertmanagerPayload,
  deps: { registry: ClusterRegistry; facts: FactsProvider; log: Logger },
): Promise<AlertRoute> {
  const labels = payload.commonLabels;
  const cluster = labels.cluster && findCluster(deps.registry, labels.cluster) ? labels.cluster : null;
  let team: string | null = null;
  if (cluster && labels.namespace) {
    team = await deps.facts
      .namespace(cluster, labels.namespace)
      .then((facts) => facts.team)
      .catch((error: unknown) => {
        deps.log.warn({ err: error, cluster, namespace: labels.namespace }, 'namespace owner not read');
        return null;
      });
  }
  team ??= labels.team ?? null;
  const own =
    team && Object.hasOwn(deps.registry.onCall.teams, team) ? deps.registry.onCall.teams[team] : null;
  const channel = own?.channel ?? deps.registry.onCall.defaultChannel;
  return { channel, team, cluster };
}

/** Every channel alert groups can be routed to. */
export function onCallChannels(registry: ClusterRegistry): string[] {
  const own = Object.values(registry.onCall.teams).flatMap((t) => (t.channel ? [t.channel] : []));
  return [...new Set([registry.onCall.defaultChannel, ...own])];
}

import { type ClusterRegistry, findCluster } from '../config/cluster-registry.js';
import type { AlertGroup } from './alert-group.js';

/**
 * The Alertmanager that owns a cluster's alerts: the registry's `alertmanager.url` for the cluster, else the
 * `externalURL` the group's own (authenticated) notifications came with.
 */
export function alertmanagerUrlOf(
  registry: ClusterRegistry,
  cluster: string,
  group: AlertGroup | null,
): string | null {
  const configured = findCluster(registry, cluster)?.alertmanager?.url;
  if (configured) return configured;
  return group && /^https?:\/\//.test(group.externalURL) ? group.externalURL : null;
}

import type { ClusterRegistry } from '../../src/config/cluster-registry.js';

export interface LocalLogStores {
  victoriaLogsUrl: string | null;
  openSearchUrl: string | null;
}

/**
 * The registry with the local log stores filled in for every cluster: access logs from VictoriaLogs, audit
 * logs from OpenSearch (index pattern `audit-*`). Their ports are chosen at start, so the checked-in
 * registry cannot name them.
 */
export function withLocalLogStores(registry: ClusterRegistry, stores: LocalLogStores): ClusterRegistry {
  const { victoriaLogsUrl, openSearchUrl } = stores;
  return {
    ...registry,
    clusters: registry.clusters.map((cluster) => ({
      ...cluster,
      ...(victoriaLogsUrl ? { victorialogs: { url: victoriaLogsUrl } } : {}),
      ...(openSearchUrl ? { elasticsearch: { url: openSearchUrl } } : {}),
      logs: {
        ...(victoriaLogsUrl ? { access: 'victorialogs' as const } : {}),
        ...(openSearchUrl ? { audit: 'elasticsearch' as const } : {}),
        auditIndex: 'audit-*',
      },
    })),
  };
}

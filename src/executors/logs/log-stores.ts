import type { Cluster } from '../../config/cluster-registry.js';
import { AppError } from '../../errors.js';
import { defaultLogStoreTimeoutMs } from './http-json.js';
import type { LogStore } from './log-store.js';
import { LokiStore } from './loki-store.js';
import { OpenSearchStore } from './opensearch-store.js';
import { VictoriaLogsStore } from './victorialogs-store.js';

export type LogSource = 'access' | 'audit';

/** How stores are reached. */
export interface LogStoreOptions {
  /** One HTTP request to a store. @defaultValue 15_000 */
  timeoutMs: number;
  /** OpenSearch hits per page. @defaultValue 1000 */
  pageSize: number;
}

export const defaultLogStoreOptions: LogStoreOptions = {
  timeoutMs: defaultLogStoreTimeoutMs,
  pageSize: 1000,
};

/** The store the registry names for a cluster's log source; a source without one is a final, clear refusal. */
export function logStoreFor(cluster: Cluster, source: LogSource, options: LogStoreOptions): LogStore {
  const kind = cluster.logs?.[source];
  const url = kind === undefined ? undefined : cluster[kind]?.url;
  if (kind === undefined || url === undefined) {
    throw new AppError('CONFIG', `cluster ${cluster.name} has no store for ${source} logs in the registry`, {
      userText: `cluster ${cluster.name} has no ${source} log store configured; ask the platform team`,
    });
  }
  switch (kind) {
    case 'loki':
      return new LokiStore(url, options.timeoutMs);
    case 'victorialogs':
      return new VictoriaLogsStore(url, options.timeoutMs);
    case 'elasticsearch':
      return new OpenSearchStore(url, {
        index: cluster.logs?.auditIndex ?? 'audit-*',
        pageSize: options.pageSize,
        timeoutMs: options.timeoutMs,
      });
  }
}

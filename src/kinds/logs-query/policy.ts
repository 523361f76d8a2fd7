import type { KindPolicy } from '../define.js';
import { type LogsQueryParams, windowSeconds } from './params.js';

export const logsQueryPolicy = {
  // The namespace read: the policy decides who reads which namespace.
  namespaceOf: (p) => p.namespace,
  toPolicyParams: (p) => ({
    namespace: p.namespace,
    source: p.source,
    window_seconds: windowSeconds(p),
    limit: p.limit,
    raw_query: p.query !== undefined,
  }),
} satisfies KindPolicy<LogsQueryParams>;

import type { KindRule } from '../define.js';

/** Nothing on the cluster: lines come from the log store the registry names. */
export const logsQueryRules: readonly KindRule[] = [];

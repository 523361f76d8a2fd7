import type { KindRule } from '../define.js';

/** Nothing on the cluster: the acknowledgement is kept with the alert group in Redis. */
export const alertAckRules: readonly KindRule[] = [];

import type { KindRule } from '../define.js';

/** Nothing on the cluster: the silence is expired through Alertmanager's HTTP API. */
export const alertUnsilenceRules: readonly KindRule[] = [];

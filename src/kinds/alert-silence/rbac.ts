import type { KindRule } from '../define.js';

/** Nothing on the cluster: the silence goes to Alertmanager's HTTP API. */
export const alertSilenceRules: readonly KindRule[] = [];

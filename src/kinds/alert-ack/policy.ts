import type { KindPolicy } from '../define.js';
import type { AlertAckParams } from './params.js';

/** The policy sees the group's facts (cluster, team, who acknowledged) and its team's on-call group. */
export const alertAckPolicy = {
  toPolicyParams: (p) => ({ group: p.group }),
  alertGroupOf: (p) => p.group,
} satisfies KindPolicy<AlertAckParams>;

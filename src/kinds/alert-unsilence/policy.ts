import type { KindPolicy } from '../define.js';
import type { AlertUnsilenceParams } from './params.js';

/** The policy sees the group's facts (its silences and who made each) and its team's on-call group. */
export const alertUnsilencePolicy = {
  toPolicyParams: (p) => ({ silence: p.silence, group: p.group ?? null }),
  alertGroupOf: (p) => p.group,
} satisfies KindPolicy<AlertUnsilenceParams>;

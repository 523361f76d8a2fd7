import type { KindPolicy } from '../define.js';
import type { AlertSilenceParams } from './params.js';

/** The policy sees the team's on-call group (from the registry) in `input.context.team`. */
export const alertSilencePolicy = {
  toPolicyParams: (p) => ({
    team: p.team,
    duration_seconds: p.duration.seconds,
    matchers: p.matchers.map((m) => ({ name: m.name, value: m.value })),
  }),
  teamOf: (p) => p.team,
} satisfies KindPolicy<AlertSilenceParams>;

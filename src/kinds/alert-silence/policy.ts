import type { KindPolicy } from '../define.js';
import type { AlertSilenceParams } from './params.js';

export const alertSilencePolicy = {
  toPolicyParams: (p) => ({
    team: p.team,
    duration_seconds: p.duration.seconds,
    matchers: p.matchers.map((m) => ({ name: m.name, value: m.value })),
  }),
} satisfies KindPolicy<AlertSilenceParams>;

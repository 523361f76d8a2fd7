import type { KindIntake } from '../define.js';
import type { AlertSilenceParams } from './params.js';

/**
 * A silence in the cluster's Alertmanager, for a team's alerts, for a bounded time. Usually asked from an
 * alert thread's Silence button, which fills in the group's matchers and the thread.
 * Example: `/n3r alert silence --cluster pub-kr1-a --team team-a --matchers alertname=KubePodCrashLooping,team=team-a --duration 2h --comment "deploy in progress"`
 */
export const alertSilenceIntake = {
  command: ['alert', 'silence'],
  positional: [],
  usage:
    '/n3r alert silence --cluster <cluster> --team <team> --matchers <label=value,…> --duration <2h> --comment <why> [--group <alert-group-id>]',
  summary:
    "silence a team's alerts in Alertmanager for a while (or use the Silence button on an alert thread)",
  describe: (p) =>
    `silence ${p.matchers.map((m) => `${m.name}=${m.value}`).join(', ')} on ${p.cluster} for ${p.duration.text} (team ${p.team})`,
} satisfies KindIntake<AlertSilenceParams>;

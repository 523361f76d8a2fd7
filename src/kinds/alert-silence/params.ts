import { z } from 'zod';
import { clusterName, teamName, text } from './common-params.js';
import { defineRequestKind } from './define.js';
import { durationSeconds } from './durations.js';

const matcher = z.strictObject({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name'),
  value: z.string().min(1, 'must not be empty').max(1024),
});

/** `alertname=X,team=team-a` → matchers; arrays (from the alert thread's button) pass through. */
const matchers = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value.split(',').map((pair) => {
          const at = pair.indexOf('=');
          return at < 0
            ? { name: pair.trim(), value: '' }
            : { name: pair.slice(0, at).trim(), value: pair.slice(at + 1) };
        })
      : value,
  z.array(matcher).min(1, 'needs at least one matcher').max(20, 'at most 20 matchers'),
);

/**
 * A silence in the cluster's Alertmanager, for a team's alerts, for a bounded time. Usually asked from an
 * alert thread's Silence button, which fills in the group's matchers and the thread.
 * Example: `/n3r alert silence --cluster pub-kr1-a --team team-a --matchers alertname=KubePodCrashLooping,team=team-a --duration 2h --comment "deploy in progress"`
 */
export const alertSilence = defineRequestKind({
  id: 'alert.silence',
  command: ['alert', 'silence'],
  positional: [],
  usage:
    '/n3r alert silence --cluster <cluster> --team <team> --matchers <label=value,…> --duration <2h> --comment <why>',
  summary:
    "silence a team's alerts in Alertmanager for a while (or use the Silence button on an alert thread)",
  params: z.strictObject({
    cluster: clusterName,
    team: teamName,
    matchers,
    duration: text().refine(
      (d) => durationSeconds(d) !== undefined,
      'must be a duration such as 30m, 2h or 1d',
    ),
    comment: text().trim().min(3, 'say why, in a few words').max(500, 'must be at most 500 characters'),
    /** The alert group (its id) the silence was asked from, whose thread is told. */
    group: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'must be an alert group id')
      .optional(),
  }),
  describe: (p) =>
    `silence ${p.matchers.map((m) => `${m.name}=${m.value}`).join(', ')} on ${p.cluster} for ${p.duration} (team ${p.team})`,
  toPolicyParams: (p) => ({
    team: p.team,
    duration_seconds: durationSeconds(p.duration) ?? 0,
    matchers: p.matchers.map((m) => ({ name: m.name, value: m.value })),
  }),
});

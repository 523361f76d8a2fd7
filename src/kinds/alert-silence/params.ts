import { z } from 'zod';
import { alertGroupId } from '../params/alert.js';
import { duration } from '../params/duration.js';
import { clusterName, teamName, text } from '../params/text.js';

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

export const alertSilenceParams = z.strictObject({
  cluster: clusterName,
  team: teamName,
  matchers,
  duration: duration('30m, 2h or 1d'),
  comment: text().trim().min(3, 'say why, in a few words').max(500, 'must be at most 500 characters'),
  /** The alert group (its id) the silence was asked from, whose thread is told. */
  group: alertGroupId.optional(),
});

export type AlertSilenceParams = z.output<typeof alertSilenceParams>;

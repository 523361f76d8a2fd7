import { z } from 'zod';
import { duration } from '../params/duration.js';
import { image } from '../params/image.js';
import { cpuQuantity, memoryQuantity } from '../params/quantity.js';
import { clusterName, dnsLabel, hostname, parsedText, quoted, wholeNumber, yesNo } from '../params/text.js';

export interface RateLimit {
  requests: number;
  unit: 'Second' | 'Minute' | 'Hour';
}

const rateUnits = { s: 'Second', m: 'Minute', h: 'Hour' } as const;

/** `100/s` → {requests: 100, unit: 'Second'}; undefined for anything else. */
export function parseRateLimit(value: string): RateLimit | undefined {
  const match = /^(\d{1,9})\/(s|m|h)$/.exec(value);
  const requests = Number(match?.[1]);
  if (!match || requests < 1) return undefined;
  return { requests, unit: rateUnits[match[2] as keyof typeof rateUnits] };
}

const rateLimit = parsedText<RateLimit & { text: string }>(
  (text) => {
    const limit = parseRateLimit(text);
    return limit === undefined ? undefined : { ...limit, text };
  },
  (text) => `${quoted(text)} is not a rate (requests per unit, e.g. 100/s, 600/m or 10000/h)`,
);

export const appDeployParams = z
  .strictObject({
    app: dnsLabel
      .max(50, 'must be at most 50 characters')
      .regex(/^[a-z]/, 'must start with a letter (it names a Service)'),
    cluster: clusterName,
    namespace: dnsLabel,
    image,
    port: wholeNumber(1, 65535).prefault('8080'),
    replicas: wholeNumber(1, 1000).prefault('2'),
    'max-replicas': wholeNumber(1, 1000).optional(),
    cpu: cpuQuantity.prefault('500m'),
    memory: memoryQuantity.prefault('512Mi'),
    host: hostname.optional(),
    public: yesNo.default('no'),
    tls: yesNo.optional(),
    'rate-limit': rateLimit.optional(),
    timeout: duration('90s or 5m', '30m').optional(),
    /** Every cluster of the region pair of `cluster`, not just that one. */
    ha: yesNo.default('no'),
    /** Take over fields another field manager holds (server-side apply with force); the policy sees it. */
    'take-over': yesNo.default('no'),
  })
  .superRefine((p, ctx) => {
    if (p['max-replicas'] !== undefined && p['max-replicas'] < p.replicas) {
      ctx.addIssue({ code: 'custom', path: ['max-replicas'], message: 'must be at least --replicas' });
    }
    if (p.host === undefined) {
      for (const flag of ['tls', 'rate-limit'] as const) {
        if (p[flag] !== undefined)
          ctx.addIssue({ code: 'custom', path: [flag], message: `--${flag} needs a route: give --host` });
      }
      if (p.public === 'yes')
        ctx.addIssue({ code: 'custom', path: ['public'], message: '--public needs a route: give --host' });
    }
  });

export type AppDeployParams = z.output<typeof appDeployParams>;

/** The most replicas the app can run: the autoscaler's ceiling, which is what the policy limits. */
export function replicaCeiling(p: Pick<AppDeployParams, 'replicas' | 'max-replicas'>): number {
  return Math.max(p.replicas, p['max-replicas'] ?? p.replicas);
}

/** `https://web.team-a.apps.n3r.io (public)`. */
export function routeUrl(p: Pick<AppDeployParams, 'host' | 'tls' | 'public'>) {
  return `${p.tls === 'no' ? 'http' : 'https'}://${p.host} (${p.public === 'yes' ? 'public' : 'internal'})`;
}

import { z } from 'zod';
import { clusterName, cpuQuantity, dnsLabel, memoryQuantity, text } from './common-params.js';
import { defineRequestKind } from './define.js';
import { durationSeconds } from './durations.js';
import { parseImageRef } from './image-ref.js';
import { cpuMillicores, memoryBytes } from './quantities.js';

/** A whole number within bounds, typed as text the way flags arrive. */
const count = (min: number, max: number) =>
  text().refine(
    (v) => /^\d{1,6}$/.test(v) && Number(v) >= min && Number(v) <= max,
    `must be a whole number from ${min} to ${max}`,
  );

const yesNo = z.enum(['yes', 'no'], { error: "must be 'yes' or 'no'" });

export interface RateLimit {
  requests: number;
  unit: 'Second' | 'Minute' | 'Hour';
}

const rateUnits = { s: 'Second', m: 'Minute', h: 'Hour' } as const;

/** `100/s` → {requests: 100, unit: 'Second'}; undefined for anything else. */
export function rateLimit(value: string): RateLimit | undefined {
  const match = /^(\d{1,9})\/(s|m|h)$/.exec(value);
  const requests = Number(match?.[1]);
  if (!match || requests < 1) return undefined;
  return { requests, unit: rateUnits[match[2] as keyof typeof rateUnits] };
}

/** The most replicas the app can run: the autoscaler's ceiling, which is what the policy limits. */
export function replicaCeiling(p: { replicas: string; 'max-replicas'?: string | undefined }): number {
  return Math.max(Number(p.replicas), Number(p['max-replicas'] ?? p.replicas));
}

/**
 * An app from just an image, with Cloud Run-like defaults: a Deployment with probes on its port and a
 * restricted security context, a Service, an autoscaler (between `--replicas` and `--max-replicas`), a
 * disruption budget; with `--host`, a route on the cluster's shared Gateway (TLS with a certificate unless
 * `--tls no`; internal unless `--public yes`) and an optional rate limit. A rollout that does not become
 * available in time is rolled back. With `--ha`, the same app (and route) goes to every cluster of the
 * named cluster's region pair, each on its own and reported one by one.
 * Examples: `/n3r deploy web --cluster pub-kr1-a --namespace team-a-web --image ghcr.io/team-a/web:1.4.2`
 *           `/n3r deploy api --cluster pub-kr1-a --namespace team-a-web --image registry.n3r.io/team-a/api:2.0.1 --port 8000 --replicas 3 --max-replicas 6 --cpu 1 --memory 1Gi --host api.team-a.apps.n3r.io --public yes --rate-limit 100/s`
 *           `/n3r deploy web --cluster pub-kr1-a --namespace team-a-web --image ghcr.io/team-a/web:1.4.2 --ha`
 */
export const appDeploy = defineRequestKind({
  id: 'app.deploy',
  command: ['deploy'],
  positional: ['app'],
  switches: ['ha'],
  usage:
    '/n3r deploy <app> --cluster <cluster> --namespace <namespace> --image <image> [--port 8080] [--replicas 2] [--max-replicas 2] [--cpu 500m] [--memory 512Mi] [--host <hostname> [--public no] [--tls yes] [--rate-limit 100/s]] [--timeout 2m] [--ha]',
  summary: 'deploy an app from a container image, with probes, autoscaling and an optional route',
  params: z
    .strictObject({
      app: dnsLabel
        .max(50, 'must be at most 50 characters')
        .regex(/^[a-z]/, 'must start with a letter (it names a Service)'),
      cluster: clusterName,
      namespace: dnsLabel,
      image: text().refine(
        (v) => parseImageRef(v) !== undefined,
        'must be a container image such as ghcr.io/team-a/web:1.4.2 or nginx@sha256:…',
      ),
      port: count(1, 65535).default('8080'),
      replicas: count(1, 1000).default('2'),
      'max-replicas': count(1, 1000).optional(),
      cpu: cpuQuantity.default('500m'),
      memory: memoryQuantity.default('512Mi'),
      host: text()
        .max(253, 'must be at most 253 characters')
        .regex(
          /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/,
          'must be a lowercase DNS name such as web.team-a.apps.n3r.io',
        )
        .optional(),
      public: yesNo.default('no'),
      tls: yesNo.optional(),
      'rate-limit': text()
        .refine(
          (v) => rateLimit(v) !== undefined,
          'must be requests per unit such as 100/s, 600/m or 10000/h',
        )
        .optional(),
      timeout: text()
        .refine((v) => {
          const seconds = durationSeconds(v);
          return seconds !== undefined && seconds <= 1800;
        }, 'must be a duration up to 30m, such as 90s or 5m')
        .optional(),
      /** Every cluster of the region pair of `cluster`, not just that one. */
      ha: yesNo.default('no'),
    })
    .superRefine((p, ctx) => {
      if (p['max-replicas'] !== undefined && Number(p['max-replicas']) < Number(p.replicas)) {
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
    }),
  describe: (p) =>
    `deploy ${p.app} (${p.image}) to ${p.namespace} on ${p.cluster}: ${p.replicas}${
      p['max-replicas'] && p['max-replicas'] !== p.replicas ? `-${p['max-replicas']}` : ''
    } replicas of cpu ${p.cpu}, memory ${p.memory}${p.host ? `, route ${routeUrl(p)}` : ''}${
      p.ha === 'yes' ? ', on every cluster of its region pair' : ''
    }`,
  namespaceOf: (p) => p.namespace,
  spansRegionPair: (p) => p.ha === 'yes',
  toPolicyParams: (p) => ({
    namespace: p.namespace,
    app: p.app,
    image: parseImageRef(p.image) ?? null,
    replicas: replicaCeiling(p),
    cpu_millicores: cpuMillicores(p.cpu),
    memory_bytes: memoryBytes(p.memory),
    route: p.host === undefined ? null : { host: p.host, public: p.public === 'yes', tls: p.tls !== 'no' },
    ha: p.ha === 'yes',
  }),
});

/** `https://web.team-a.apps.n3r.io (public)`. */
export function routeUrl(p: {
  host?: string | undefined;
  tls?: 'yes' | 'no' | undefined;
  public: 'yes' | 'no';
}) {
  return `${p.tls === 'no' ? 'http' : 'https'}://${p.host} (${p.public === 'yes' ? 'public' : 'internal'})`;
}

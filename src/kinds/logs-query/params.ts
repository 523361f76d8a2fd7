import { z } from 'zod';
import { clusterName, dnsLabel, text } from './common-params.js';
import { defineRequestKind } from './define.js';
import { durationSeconds } from './durations.js';

/** Lines a query returns when `--limit` is not given. */
export const defaultLogLimit = 100;
/** The window a query covers when neither `--since` nor `--from/--to` is given. */
export const defaultLogWindow = '1h';

/** Kubernetes object names (pods, apps, containers): DNS subdomains, up to 253 characters. */
const objectName = text()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be a Kubernetes name: lowercase letters, digits, dots and dashes',
  );

const isoInstant = text().refine(
  (v) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
    !Number.isNaN(Date.parse(v)),
  'must be an ISO 8601 time with a zone, such as 2026-11-30T09:00:00Z',
);

/**
 * Log lines of a namespace, from the access logs (the default) or the audit log, newest first.
 * Filters: `--app`, `--pod`, `--container` (exact), `--grep` (text the line contains); the window is
 * `--since` (default 1h) or `--from`/`--to`. `--query` passes query text in the store's own language
 * (LogsQL, a LogQL pipeline, or an OpenSearch query string), still confined to the namespace; the policy
 * opens it to a few groups only.
 * Examples: `/n3r logs team-a-web --cluster pub-kr1-a --app web --grep "timeout" --since 30m`
 *           `/n3r logs team-a-web --cluster pub-kr1-a --source audit --from 2026-11-30T09:00:00Z --to 2026-11-30T10:00:00Z --limit 500`
 */
export const logsQuery = defineRequestKind({
  id: 'logs.query',
  command: ['logs'],
  positional: ['namespace'],
  usage:
    '/n3r logs <namespace> --cluster <cluster> [--app a] [--pod p] [--container c] [--grep text] [--since 1h | --from <ISO> --to <ISO>] [--limit 100] [--source access|audit] [--query <raw>]',
  summary: "read a namespace's access or audit log lines, filtered, in the request's thread",
  params: z
    .strictObject({
      namespace: dnsLabel,
      cluster: clusterName,
      app: objectName.optional(),
      pod: objectName.optional(),
      container: objectName.optional(),
      grep: text().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
      since: text()
        .refine((v) => durationSeconds(v) !== undefined, 'must be a duration such as 30m, 1h or 2d')
        .optional(),
      from: isoInstant.optional(),
      to: isoInstant.optional(),
      limit: text()
        .regex(/^[1-9]\d{0,6}$/, 'must be a whole number of lines, 1 or more')
        .default(String(defaultLogLimit)),
      source: z.enum(['access', 'audit'], { error: "must be 'access' or 'audit'" }).default('access'),
      query: text().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters').optional(),
    })
    .superRefine((p, ctx) => {
      if (p.since !== undefined && (p.from !== undefined || p.to !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['since'],
          message: 'give either --since or --from/--to, not both',
        });
      }
      if ((p.from === undefined) !== (p.to === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [p.from === undefined ? 'from' : 'to'],
          message: '--from and --to go together',
        });
      }
      if (p.from !== undefined && p.to !== undefined && Date.parse(p.from) >= Date.parse(p.to)) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than --from' });
      }
    }),
  describe: (p) => {
    const filters = [
      p.app === undefined ? null : `app ${p.app}`,
      p.pod === undefined ? null : `pod ${p.pod}`,
      p.container === undefined ? null : `container ${p.container}`,
      p.grep === undefined ? null : `containing "${p.grep}"`,
      p.query === undefined ? null : 'with a raw query',
    ].filter((f) => f !== null);
    const window =
      p.from !== undefined && p.to !== undefined
        ? `from ${p.from} to ${p.to}`
        : `over the last ${p.since ?? defaultLogWindow}`;
    const filtered = filters.length > 0 ? ` (${filters.join(', ')})` : '';
    return `${p.source} logs of ${p.namespace} on ${p.cluster}${filtered} ${window}, up to ${p.limit} lines`;
  },
  namespaceOf: (p) => p.namespace,
  toPolicyParams: (p) => ({
    namespace: p.namespace,
    source: p.source,
    window_seconds: windowSeconds(p),
    limit: Number(p.limit),
    raw_query: p.query !== undefined,
  }),
});

/** The params that set a query's window. */
interface WindowParams {
  since?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** How many seconds the query covers. */
export function windowSeconds(p: WindowParams): number {
  if (p.from !== undefined && p.to !== undefined)
    return Math.ceil((Date.parse(p.to) - Date.parse(p.from)) / 1000);
  return durationSeconds(p.since ?? defaultLogWindow) ?? 0;
}

/** The time range of a query: absolute as asked, or the `--since` window ending now. */
export function timeRange(p: WindowParams, now: Date): { start: Date; end: Date } {
  if (p.from !== undefined && p.to !== undefined) return { start: new Date(p.from), end: new Date(p.to) };
  return { start: new Date(now.getTime() - windowSeconds(p) * 1000), end: now };
}

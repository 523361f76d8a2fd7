import { z } from 'zod';
import { duration } from '../params/duration.js';
import { clusterName, dnsLabel, parsedText, quoted, text, wholeNumber } from '../params/text.js';

/** Lines a query returns when `--limit` is not given. */
export const defaultLogLimit = 100;
/** The window a query covers when neither `--since` nor `--from/--to` is given. */
export const defaultLogWindowSeconds = 3600;

/** Kubernetes object names (pods, apps, containers): DNS subdomains, up to 253 characters. */
const objectName = text()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be a Kubernetes name: lowercase letters, digits, dots and dashes',
  );

/** A point in time: the text as given and its epoch milliseconds. */
export interface Instant {
  text: string;
  ms: number;
}

const isoInstant = parsedText<Instant>(
  (value) => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
      return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : { text: value, ms };
  },
  (value) => `${quoted(value)} is not an ISO 8601 time with a zone (e.g. 2026-11-30T09:00:00Z)`,
);

export const logsQueryParams = z
  .strictObject({
    namespace: dnsLabel,
    cluster: clusterName,
    app: objectName.optional(),
    pod: objectName.optional(),
    container: objectName.optional(),
    grep: text().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    since: duration('30m, 1h or 2d').optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: wholeNumber(1, 9_999_999, 'must be a whole number of lines, 1 or more').prefault(
      String(defaultLogLimit),
    ),
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
    if (p.from !== undefined && p.to !== undefined && p.from.ms >= p.to.ms) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than --from' });
    }
  });

export type LogsQueryParams = z.output<typeof logsQueryParams>;

/** The params that set a query's window. */
type WindowParams = Pick<LogsQueryParams, 'since' | 'from' | 'to'>;

/** How many seconds the query covers. */
export function windowSeconds(p: WindowParams): number {
  if (p.from !== undefined && p.to !== undefined) return Math.ceil((p.to.ms - p.from.ms) / 1000);
  return p.since?.seconds ?? defaultLogWindowSeconds;
}

/** The time range of a query: absolute as asked, or the `--since` window ending now. */
export function timeRange(p: WindowParams, now: Date): { start: Date; end: Date } {
  if (p.from !== undefined && p.to !== undefined)
    return { start: new Date(p.from.ms), end: new Date(p.to.ms) };
  return { start: new Date(now.getTime() - windowSeconds(p) * 1000), end: now };
}

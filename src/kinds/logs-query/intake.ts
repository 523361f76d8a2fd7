import type { KindIntake } from '../define.js';
import type { LogsQueryParams } from './params.js';

/**
 * Log lines of a namespace, from the access logs (the default) or the audit log, newest first.
 * Filters: `--app`, `--pod`, `--container` (exact), `--grep` (text the line contains); the window is
 * `--since` (default 1h) or `--from`/`--to`. `--query` passes query text in the store's own language
 * (LogsQL, a LogQL pipeline, or an OpenSearch query string), still confined to the namespace; the policy
 * opens it to a few groups only.
 * Examples: `/n3r logs team-a-web --cluster pub-kr1-a --app web --grep "timeout" --since 30m`
 *           `/n3r logs team-a-web --cluster pub-kr1-a --source audit --from 2026-11-30T09:00:00Z --to 2026-11-30T10:00:00Z --limit 500`
 */
export const logsQueryIntake = {
  command: ['logs'],
  positional: ['namespace'],
  usage:
    '/n3r logs <namespace> --cluster <cluster> [--app a] [--pod p] [--container c] [--grep text] [--since 1h | --from <ISO> --to <ISO>] [--limit 100] [--source access|audit] [--query <raw>]',
  summary: "read a namespace's access or audit log lines, filtered, in the request's thread",
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
        ? `from ${p.from.text} to ${p.to.text}`
        : `over the last ${p.since?.text ?? '1h'}`;
    const filtered = filters.length > 0 ? ` (${filters.join(', ')})` : '';
    return `${p.source} logs of ${p.namespace} on ${p.cluster}${filtered} ${window}, up to ${p.limit} lines`;
  },
} satisfies KindIntake<LogsQueryParams>;

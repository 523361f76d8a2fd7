import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/parse-command.js';
import { logsQuery } from '../../../src/kinds/logs-query/index.js';
import { timeRange, windowSeconds } from '../../../src/kinds/logs-query/params.js';
import { docExamples, parseAsked, policyCaseParams } from './doc-examples.js';

const problemsOf = (raw: Record<string, string>): string[] => {
  const parsed = logsQuery.params.safeParse({ namespace: 'team-a-web', cluster: 'pub-kr1-a', ...raw });
  if (parsed.success) throw new Error(`accepted: ${JSON.stringify(raw)}`);
  return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('logs.query', () => {
  it('accepts the examples of its documentation, and its usage line names its command', () => {
    const examples = docExamples('logs-query/intake.ts');
    expect(examples).toHaveLength(2);
    for (const text of examples) expect(parseAsked(logsQuery, text).success, text).toBe(true);
    expect(logsQuery.usage.startsWith('/n3r logs <namespace> ')).toBe(true);
  });

  it('gives the policy the contract params: source, window in seconds, limit as a number, raw_query', () => {
    const params = logsQuery.params.parse({ namespace: 'team-a-web', cluster: 'pub-kr1-a', since: '2h' });
    const policy = logsQuery.toPolicyParams(params);
    expect(policy).toEqual({
      namespace: 'team-a-web',
      source: 'access',
      window_seconds: 7200,
      limit: 100,
      raw_query: false,
    });
    expect(Object.keys(policy).sort()).toEqual(
      Object.keys(policyCaseParams('logs_query.json', 'logs_query')).sort(),
    );
    expect(logsQuery.namespaceOf?.(params)).toBe('team-a-web');
  });

  it('measures an absolute window and marks raw query text for the policy', () => {
    const params = logsQuery.params.parse({
      namespace: 'team-a-web',
      cluster: 'pub-kr1-a',
      from: '2026-11-30T09:00:00Z',
      to: '2026-11-30T11:30:00+01:00',
      source: 'audit',
      limit: '5000',
      query: 'verb:delete',
    });
    expect(logsQuery.toPolicyParams(params)).toMatchObject({
      source: 'audit',
      window_seconds: 5400,
      limit: 5000,
      raw_query: true,
    });
    expect(timeRange(params, new Date('2030-01-01T00:00:00Z'))).toEqual({
      start: new Date('2026-11-30T09:00:00Z'),
      end: new Date('2026-11-30T10:30:00Z'),
    });
  });

  it('defaults to the last hour of access logs, 100 lines, ending at the time asked', () => {
    const params = logsQuery.params.parse({ namespace: 'team-a-web', cluster: 'pub-kr1-a' });
    expect(windowSeconds(params)).toBe(3600);
    const now = new Date('2026-11-30T12:00:00Z');
    expect(timeRange(params, now)).toEqual({ start: new Date('2026-11-30T11:00:00Z'), end: now });
    expect(logsQuery.describe(params)).toBe(
      'access logs of team-a-web on pub-kr1-a over the last 1h, up to 100 lines',
    );
  });

  it('takes the namespace as its positional word and filters as flags, quoted text kept whole', () => {
    const parsed = parseCommand(
      'logs team-a-web --cluster pub-kr1-a --app web --pod web-7d9f --container nginx --grep "GET /health 500"',
    );
    expect(parsed).toMatchObject({
      type: 'ask',
      rawParams: {
        namespace: 'team-a-web',
        cluster: 'pub-kr1-a',
        app: 'web',
        pod: 'web-7d9f',
        container: 'nginx',
        grep: 'GET /health 500',
      },
    });
  });

  it('refuses bad input with a message per problem', () => {
    expect(problemsOf({ since: '1h', from: '2026-11-30T09:00:00Z', to: '2026-11-30T10:00:00Z' })).toContain(
      'since: give either --since or --from/--to, not both',
    );
    expect(problemsOf({ from: '2026-11-30T09:00:00Z' })).toContain('to: --from and --to go together');
    expect(problemsOf({ from: '2026-11-30T10:00:00Z', to: '2026-11-30T09:00:00Z' })).toContain(
      'to: must be later than --from',
    );
    expect(problemsOf({ from: 'yesterday', to: '2026-11-30T09:00:00Z' })[0]).toMatch(
      /^from: "yesterday" is not an ISO 8601 time/,
    );
    expect(problemsOf({ since: 'an hour' })[0]).toMatch(/^since: "an hour" is not a duration/);
    expect(problemsOf({ limit: '-5' })[0]).toMatch(/^limit: must be a whole number/);
    expect(problemsOf({ limit: '1e3' })[0]).toMatch(/^limit: must be a whole number/);
    expect(problemsOf({ source: 'secrets' })).toEqual(["source: must be 'access' or 'audit'"]);
    expect(problemsOf({ app: 'web"} or {namespace="x' })[0]).toMatch(/^app: must be a Kubernetes name/);
    expect(problemsOf({ pod: 'a|b' })[0]).toMatch(/^pod: must be a Kubernetes name/);
    expect(problemsOf({ grep: '' })).toEqual(['grep: must not be empty']);
    expect(problemsOf({ namespace: 'Team_A' })[0]).toMatch(/^namespace: must be a DNS label/);
    expect(problemsOf({ colour: 'blue' })[0]).toMatch(/Unrecognized key/);
  });
});

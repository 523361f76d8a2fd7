import { beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import type { LogQuery } from '../../../src/executors/logs/log-store.js';
import { VictoriaLogsStore } from '../../../src/executors/logs/victorialogs-store.js';
import { seedAccessLogs, uniqueNamespace } from '../../support/log-seeds.js';

const signal = new AbortController().signal;

describe('the VictoriaLogs store against a real VictoriaLogs', () => {
  const url = inject('stack').victoriaLogsUrl;
  const store = new VictoriaLogsStore(url, 10_000);
  const ns = uniqueNamespace('team-a');
  const neighbour = uniqueNamespace('team-b');
  const t0 = new Date(Date.now() - 3_600_000);
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const window = { start: t0, end: at(1800) };
  const query = (q: Partial<LogQuery>) => store.query({ namespace: ns, ...window, limit: 100, ...q }, signal);
  const messages = async (q: Partial<LogQuery>) => (await query(q)).lines.map((l) => l.message);

  beforeAll(async () => {
    const web = { namespace: ns, app: 'web', pod: 'web-1', container: 'nginx' };
    await seedAccessLogs(url, [
      { ...web, time: at(10), message: 'GET /health 200' },
      { ...web, time: at(20), message: 'GET /api 500 upstream timeout' },
      { ...web, pod: 'web-2', time: at(25), message: 'GET /api 200 from web-2' },
      { ...web, time: at(30), message: 'weird "quoted" } | pipe \\ backslash' },
      { namespace: ns, app: 'worker', pod: 'worker-1', container: 'app', time: at(15), message: 'job done' },
      {
        namespace: ns,
        app: 'web',
        pod: 'web-1',
        container: 'sidecar',
        time: at(16),
        message: 'sidecar ready',
      },
      { ...web, time: at(2000), message: 'after the window' },
      { ...web, namespace: neighbour, time: at(12), message: 'secret of team b' },
      { ...web, namespace: neighbour, time: at(22), message: 'GET /api 500 upstream timeout' },
    ]);
  });

  it('reads the namespace newest first, with time and origin', async () => {
    const result = await query({});
    expect(result.lines.map((l) => l.message)).toEqual([
      'weird "quoted" } | pipe \\ backslash',
      'GET /api 200 from web-2',
      'GET /api 500 upstream timeout',
      'sidecar ready',
      'job done',
      'GET /health 200',
    ]);
    expect(result.lines[0]?.source).toEqual({ app: 'web', pod: 'web-1', container: 'nginx' });
    expect(Date.parse(result.lines[0]?.time ?? '')).toBe(at(30).getTime());
    expect(result.truncated).toBe(false);
  });

  it('filters by app, pod, container and text', async () => {
    expect(await messages({ app: 'worker' })).toEqual(['job done']);
    expect(await messages({ pod: 'web-2' })).toEqual(['GET /api 200 from web-2']);
    expect(await messages({ container: 'sidecar' })).toEqual(['sidecar ready']);
    expect(await messages({ app: 'web', container: 'nginx', grep: '/api 5' })).toEqual([
      'GET /api 500 upstream timeout',
    ]);
  });

  it('keeps to the time window and the limit', async () => {
    expect(await messages({ start: at(0), end: at(15) })).toEqual(['GET /health 200']);
    expect(await messages({ start: at(15), end: at(20) })).toEqual(['sidecar ready', 'job done']);
    const limited = await query({ limit: 2 });
    expect(limited.lines.map((l) => l.message)).toEqual([
      'weird "quoted" } | pipe \\ backslash',
      'GET /api 200 from web-2',
    ]);
    expect(limited.truncated).toBe(true);
  });

  it('matches quotes, pipes and backslashes in --grep literally', async () => {
    expect(await messages({ grep: '"quoted" } | pipe \\' })).toEqual([
      'weird "quoted" } | pipe \\ backslash',
    ]);
  });

  it.each([
    ['quotes and OR', `" OR namespace:="${'team-b'}`],
    ['a pipe', '" | delete'],
    ['a stream selector', '"* {namespace=~".*"} "'],
    ['LogsQL operators', '* OR *'],
    ['backslashes', '\\" OR "'],
  ])('finds nothing another namespace has through %s in --grep', async (_what, grep) => {
    const result = await query({ grep });
    expect(result.lines.map((l) => l.message)).not.toContain('secret of team b');
    expect(result.lines).toEqual([]);
  });

  it('confines raw LogsQL to the namespace, subqueries included', async () => {
    expect(await messages({ raw: 'upstream' })).toEqual(['GET /api 500 upstream timeout']);
    const wide = await query({ raw: `secret OR namespace:=${JSON.stringify(neighbour)}` });
    expect(wide.lines.map((l) => l.message)).toEqual([]);
    const sub = await query({
      raw: `_msg:in(namespace:=${JSON.stringify(neighbour)} | fields _msg) OR secret`,
    });
    expect(sub.lines.map((l) => l.message)).not.toContain('secret of team b');
  });

  it("refuses malformed raw LogsQL with the store's message, for good", async () => {
    const error = await query({ raw: 'foo((' }).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error?.retryable).toBe(false);
    expect(error?.userText).toMatch(/^the log store refused the query \(HTTP 400\): cannot parse/);
  });
});

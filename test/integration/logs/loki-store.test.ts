import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import type { LogQuery } from '../../../src/executors/logs/log-store.js';
import { LokiStore, logqlOf } from '../../../src/executors/logs/loki-store.js';
import { LokiEmulator } from '../../support/loki-emulator.js';

const t0 = new Date('2026-11-30T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const window = { start: t0, end: at(3600) };
const signal = new AbortController().signal;

const web = { namespace: 'team-a-web', app: 'web', pod: 'web-1', container: 'nginx' };
const worker = { namespace: 'team-a-web', app: 'worker', pod: 'worker-1', container: 'app' };
const other = { namespace: 'team-b-api', app: 'web', pod: 'web-1', container: 'nginx' };

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('the Loki store against the Loki emulator', () => {
  const loki = new LokiEmulator();
  let store: LokiStore;
  const query = (q: Partial<LogQuery>) =>
    store.query({ namespace: 'team-a-web', ...window, limit: 100, ...q }, signal);

  beforeAll(async () => {
    await loki.start();
    store = new LokiStore(loki.url, 2_000);
    loki.push(web, [
      { time: at(10), line: 'GET /health 200' },
      { time: at(20), line: 'GET /api 500 upstream timeout' },
      { time: at(30), line: 'weird "quoted" } | pipe \\ backslash' },
    ]);
    loki.push(worker, [{ time: at(15), line: 'job done' }]);
    loki.push(other, [
      { time: at(12), line: 'secret of team b' },
      { time: at(25), line: 'GET /api 500 upstream timeout' },
    ]);
    loki.push(web, [{ time: at(4000), line: 'after the window' }]);
  });
  afterAll(() => loki.stop());
  beforeEach(() => {
    loki.failWith = null;
    loki.delayMs = 0;
  });

  it('reads the namespace newest first, with origin and nanosecond time', async () => {
    const result = await query({});
    expect(result.lines.map((l) => l.message)).toEqual([
      'weird "quoted" } | pipe \\ backslash',
      'GET /api 500 upstream timeout',
      'job done',
      'GET /health 200',
    ]);
    expect(result.lines[0]).toEqual({
      time: '2026-11-30T09:00:30.000000000Z',
      source: { app: 'web', pod: 'web-1', container: 'nginx' },
      message: 'weird "quoted" } | pipe \\ backslash',
    });
    expect(result.truncated).toBe(false);
    const sent = loki.requests.at(-1);
    expect(sent?.get('start')).toBe(`${BigInt(t0.getTime()) * 1_000_000n}`);
    expect(sent?.get('direction')).toBe('backward');
  });

  it('filters by app, pod, container and text', async () => {
    expect((await query({ app: 'worker' })).lines.map((l) => l.message)).toEqual(['job done']);
    expect(
      (await query({ pod: 'web-1', container: 'nginx', grep: 'GET' })).lines.map((l) => l.message),
    ).toEqual(['GET /api 500 upstream timeout', 'GET /health 200']);
  });

  it('keeps to the time window and the limit, and says when lines were left out', async () => {
    const limited = await query({ limit: 2 });
    expect(limited.lines).toHaveLength(2);
    expect(limited.truncated).toBe(true);
    expect(loki.requests.at(-1)?.get('limit')).toBe('3');
    const early = await query({ start: at(0), end: at(15) });
    expect(early.lines.map((l) => l.message)).toEqual(['GET /health 200']);
  });

  it('never asks Loki for more than its entry cap', async () => {
    await query({ limit: 5000 });
    expect(loki.requests.at(-1)?.get('limit')).toBe('5000');
  });

  it.each([
    ['quotes and braces', '"} or {namespace="team-b-api'],
    ['a pipe and a line filter', '" |= "secret'],
    ['backslashes', '\\" != "'],
    ['a regex operator', '.* |~ ".*'],
  ])('escapes %s in --grep: nothing of another namespace, no parse error', async (_what, grep) => {
    const result = await query({ grep });
    expect(result.lines).toEqual([]);
  });

  it('matches quotes, pipes and backslashes in --grep literally', async () => {
    const result = await query({ grep: '"quoted" } | pipe \\' });
    expect(result.lines.map((l) => l.message)).toEqual(['weird "quoted" } | pipe \\ backslash']);
  });

  it('escapes label values: a crafted pod name matches nothing', async () => {
    expect((await query({ pod: 'web-1", namespace="team-b-api' })).lines).toEqual([]);
    expect(logqlOf({ namespace: 'a', pod: 'x"}', ...window, limit: 1 })).toBe('{namespace="a", pod="x\\"}"}');
  });

  it('appends raw text as a pipeline after the namespace selector', async () => {
    const result = await query({ raw: '|~ "500" != "health"' });
    expect(result.lines.map((l) => l.message)).toEqual(['GET /api 500 upstream timeout']);
  });

  it("turns a refused query into a final error with Loki's message", async () => {
    const error = await failure(query({ raw: '| json' }));
    expect(error.retryable).toBe(false);
    expect(error.userText).toMatch(/^the log store refused the query \(HTTP 400\): parse error at line 1/);
  });

  it('turns a metric answer into a clear refusal', async () => {
    // A matrix answer: what Loki gives for a metric query.
    loki.failWith = {
      status: 200,
      body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
    };
    const error = await failure(query({}));
    expect(error.retryable).toBe(false);
    expect(error.userText).toMatch(/not a log query/);
  });

  it('retries on 429 and 5xx, with what happened', async () => {
    loki.failWith = { status: 429, body: 'too many outstanding requests' };
    const limited = await failure(query({}));
    expect(limited.retryable).toBe(true);
    expect(limited.userText).toMatch(/rate limiting/);
    loki.failWith = { status: 503, body: 'ingester not ready' };
    const down = await failure(query({}));
    expect(down.retryable).toBe(true);
    expect(down.userText).toContain('ingester not ready');
  });

  it('retries when Loki does not answer in time or cannot be reached', async () => {
    loki.delayMs = 3_000;
    const slow = await failure(query({}));
    expect(slow.retryable).toBe(true);
    expect(slow.userText).toMatch(/did not answer within 2 s/);
    loki.delayMs = 0;
    const gone = new LokiEmulator();
    await gone.start();
    const url = gone.url;
    await gone.stop();
    const error = await failure(
      new LokiStore(url, 2_000).query({ namespace: 'a', ...window, limit: 1 }, signal),
    );
    expect(error.retryable).toBe(true);
    expect(error.userText).toMatch(/cannot be reached \(ECONNREFUSED\)/);
  });
});

describe('the Loki emulator is strict', () => {
  const loki = new LokiEmulator();
  beforeAll(() => loki.start());
  afterAll(() => loki.stop());

  it('takes start as end minus since when start is absent', async () => {
    loki.push({ a: 'b' }, [
      { time: new Date('2026-11-30T09:50:00Z'), line: 'recent' },
      { time: new Date('2026-11-30T08:00:00Z'), line: 'old' },
    ]);
    const end = `${BigInt(Date.parse('2026-11-30T10:00:00Z')) * 1_000_000n}`;
    const response = await fetch(
      `${loki.url}/loki/api/v1/query_range?query=${encodeURIComponent('{a="b"}')}&end=${end}&since=30m`,
    );
    const body = (await response.json()) as { data: { result: { values: [string, string][] }[] } };
    expect(body.data.result.flatMap((r) => r.values.map((v) => v[1]))).toEqual(['recent']);
  });

  it.each([
    ['an unknown parameter', 'query={a="b"}&color=red', 'unknown query parameter: color'],
    ['a malformed since', 'query={a="b"}&since=an-hour', 'invalid duration: an-hour'],
    ['a missing query', 'limit=5', 'query parameter is required'],
    ['a malformed limit', 'query={a="b"}&limit=ten', 'invalid limit: ten'],
    ['a limit above the cap', 'query={a="b"}&limit=5001', 'max entries limit per query exceeded'],
    ['a bad direction', 'query={a="b"}&direction=sideways', 'invalid direction: sideways'],
    ['a malformed time', 'query={a="b"}&start=yesterday', 'cannot parse "yesterday" to a valid timestamp'],
    ['an empty window', 'query={a="b"}&start=2000000000&end=1000000000', 'end timestamp must not be before'],
    ['a syntax error', `query=${encodeURIComponent('{a="b"')}`, 'parse error'],
    [
      'an empty-compatible selector',
      `query=${encodeURIComponent('{a=~".*"}')}`,
      'at least one regexp or equality matcher',
    ],
  ])('answers 400 to %s', async (_what, search, message) => {
    const response = await fetch(`${loki.url}/loki/api/v1/query_range?${search}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
  });
});

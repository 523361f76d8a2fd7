import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import type { LogQuery } from '../../../src/executors/logs/log-store.js';
import { OpenSearchStore } from '../../../src/executors/logs/opensearch-store.js';
import { type AuditDoc, seedAuditDocs, uniqueNamespace } from '../../support/log-seeds.js';

const signal = new AbortController().signal;
const t0 = new Date('2026-11-30T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000).toISOString();
const window = { start: t0, end: new Date(t0.getTime() + 86_400_000) };

describe('the OpenSearch store against a real OpenSearch', () => {
  const url = inject('stack').openSearchUrl;
  const index = `audit-t-${randomBytes(3).toString('hex')}`;
  const store = new OpenSearchStore(url, { index, pageSize: 1000, timeoutMs: 30_000 });
  const ns = uniqueNamespace('team-a');
  const big = uniqueNamespace('team-a');
  const neighbour = uniqueNamespace('team-b');
  const query = (q: Partial<LogQuery>) => store.query({ namespace: ns, ...window, limit: 100, ...q }, signal);
  const messages = async (q: Partial<LogQuery>) => (await query(q)).lines.map((l) => l.message);
  const bigCount = 10_500;

  beforeAll(async () => {
    const docs: AuditDoc[] = [
      {
        '@timestamp': at(10),
        namespace: ns,
        app: 'web',
        pod: 'web-1',
        container: 'nginx',
        message: 'user kim created deployment web',
      },
      {
        '@timestamp': at(20),
        namespace: ns,
        app: 'web',
        pod: 'web-2',
        container: 'nginx',
        message: 'user lee deleted pod web-2',
      },
      {
        '@timestamp': at(30),
        namespace: ns,
        app: 'worker',
        message: 'user kim patched configmap "settings" } | x',
      },
      { '@timestamp': at(90_000), namespace: ns, app: 'web', message: 'after the window' },
      { '@timestamp': at(15), namespace: neighbour, app: 'web', message: 'secret of team b' },
    ];
    // Many documents in one second each: the tiebreaker has to keep pages apart.
    for (let i = 0; i < bigCount; i++) {
      docs.push({
        '@timestamp': at(100 + Math.floor(i / 7)),
        namespace: big,
        app: 'load',
        message: `event ${i}`,
      });
    }
    await seedAuditDocs(url, index, docs);
  }, 180_000);

  it('reads the namespace newest first, with time and origin', async () => {
    const result = await query({});
    expect(result.lines.map((l) => l.message)).toEqual([
      'user kim patched configmap "settings" } | x',
      'user lee deleted pod web-2',
      'user kim created deployment web',
    ]);
    expect(result.lines[1]).toEqual({
      time: at(20),
      source: { app: 'web', pod: 'web-2', container: 'nginx' },
      message: 'user lee deleted pod web-2',
    });
  });

  it('filters by app, pod, container, phrase and window', async () => {
    expect(await messages({ app: 'worker' })).toEqual(['user kim patched configmap "settings" } | x']);
    expect(await messages({ pod: 'web-2', container: 'nginx' })).toEqual(['user lee deleted pod web-2']);
    expect(await messages({ grep: 'user kim' })).toHaveLength(2);
    expect(await messages({ start: t0, end: new Date(t0.getTime() + 15_000) })).toEqual([
      'user kim created deployment web',
    ]);
  });

  it.each([
    ['JSON in a term', '{"match_all":{}}'],
    ['a query_string operator', 'secret OR namespace:team-b*'],
    ['quotes and braces', '"} }, {"term": {"namespace": "x"'],
    ['a backslash', 'kim\\" OR \\"secret'],
  ])('finds nothing it should not with %s in --grep', async (_what, grep) => {
    expect(await messages({ grep })).toEqual([]);
  });

  it('keeps raw query text inside the namespace filter', async () => {
    expect(await messages({ raw: 'deleted' })).toEqual(['user lee deleted pod web-2']);
    expect(await messages({ raw: `secret OR namespace:${neighbour}` })).toEqual([]);
    expect(await messages({ raw: '*:*' })).toHaveLength(3);
  });

  it('pages with search_after past the 10,000-hit window, every document once, in order', async () => {
    const windowRefused = await fetch(`${url}/${index}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 10_000, size: 10, query: { term: { namespace: big } } }),
    });
    expect(windowRefused.status).toBe(400);

    const result = await store.query({ namespace: big, ...window, limit: bigCount + 100 }, signal);
    expect(result.lines).toHaveLength(bigCount);
    expect(result.truncated).toBe(false);
    expect(new Set(result.lines.map((l) => l.message)).size).toBe(bigCount);
    const times = result.lines.map((l) => Date.parse(l.time));
    expect(times.every((t, i) => i === 0 || t <= (times[i - 1] as number))).toBe(true);

    const limited = await store.query({ namespace: big, ...window, limit: 10_200 }, signal);
    expect(limited.lines).toHaveLength(10_200);
    expect(limited.truncated).toBe(true);
  }, 120_000);

  it("refuses malformed raw query text with the store's message, for good", async () => {
    const error = await query({ raw: 'message:(unclosed' }).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error?.retryable).toBe(false);
    expect(error?.userText).toMatch(/^the log store refused the query \(HTTP 400\)/);
  });
});

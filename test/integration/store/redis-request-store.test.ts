import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisRequestStore } from '../../../src/store/redis-request-store.js';
import { requestRecord } from '../../support/builders.js';
import { uniqueSuffix } from '../../support/harness.js';

const record = (id: string) => requestRecord({ id });
const decided = { event: 'decided', actor: 'UALICE' };

describe('the request store on Redis', () => {
  let redis: Redis;
  let store: RedisRequestStore;
  let prefix: string;
  beforeAll(() => {
    redis = new Redis(inject('stack').redisUrl);
    prefix = `t-${uniqueSuffix()}`;
    store = new RedisRequestStore(redis, prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('never stores two records under one id', async () => {
    expect(await store.create(record('r-dup'), decided)).toBe(true);
    expect(await store.create({ ...record('r-dup'), description: 'other' }, decided)).toBe(false);
    expect((await store.get('r-dup'))?.description).toBe(record('r-dup').description);
    expect(await redis.xlen(store.auditKey('r-dup'))).toBe(1);
  });

  it('lets exactly one of many concurrent transitions win, with one audit entry for it', async () => {
    await store.create(record('r-race'), decided);
    const results = await Promise.all(
      Array.from({ length: 25 }, () => store.transition('r-race', ['queued'], 'running')),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const trail = await redis.xrange(store.auditKey('r-race'), '-', '+');
    expect(trail.map(([, fields]) => fields[1])).toEqual(['decided', 'running']);
  });

  it('keeps every concurrent change: a card set during a transition is not lost', async () => {
    await store.create(record('r-both'), decided);
    await Promise.all([
      store.update('r-both', (r) => ({ record: { ...r, card: { channel: 'C0TEAMA', ts: '1.000001' } } })),
      store.transition('r-both', ['queued'], 'running'),
      store.transition('r-both', ['running'], 'succeeded', { result: { summary: 'ok', details: [] } }),
    ]);
    const stored = await store.get('r-both');
    expect(stored?.card).toEqual({ channel: 'C0TEAMA', ts: '1.000001' });
    expect(['running', 'succeeded']).toContain(stored?.state);
  });

  it('refuses a transition from a state the record is not in, and one for an unknown id', async () => {
    await store.create(record('r-done'), decided);
    await store.transition('r-done', ['queued'], 'cancelled');
    expect(await store.transition('r-done', ['queued', 'running'], 'running')).toBeNull();
    expect(await store.transition('r-nothing', ['queued'], 'running')).toBeNull();
    expect((await store.get('r-done'))?.state).toBe('cancelled');
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisRequestStore } from '../../../src/store/redis-request-store.js';
import { requestRecord } from '../../support/builders.js';
import { eventually, uniqueSuffix } from '../../support/harness.js';

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
    expect(await store.create(record('r-dup'), decided)).toBe('created');
    expect(await store.create({ ...record('r-dup'), description: 'other' }, decided)).toBe('id-taken');
    expect((await store.get('r-dup'))?.description).toBe(record('r-dup').description);
    expect(await redis.xlen(store.auditKey('r-dup'))).toBe(1);
  });

  it('stores a request with the Slack delivery that led to it: the same delivery never makes a second one', async () => {
    const delivery = `command:${uniqueSuffix()}`;
    expect(await store.firstDelivery(delivery)).toBe(true);
    expect(await store.create(record('r-first'), decided, delivery)).toBe('created');
    // An attempt whose lease had lapsed got as far as storing: it finds the request and stores nothing.
    expect(await store.create(record('r-second'), decided, delivery)).toBe('redelivered');
    expect(await store.get('r-second')).toBeNull();
    expect(await redis.exists(store.auditKey('r-second'))).toBe(0);
    // Finishing the delivery keeps what it led to; a redelivery finds it handled.
    await store.finishDelivery(delivery);
    expect(await store.firstDelivery(delivery)).toBe(false);
    expect(await store.create(record('r-third'), decided, delivery)).toBe('redelivered');
  });

  it('hands a delivery to one attempt at a time, and to a redelivery once the lease of a dead attempt lapses', async () => {
    const delivery = `action:${uniqueSuffix()}`;
    expect(await store.firstDelivery(delivery, 1)).toBe(true);
    expect(await store.firstDelivery(delivery, 1)).toBe(false);
    // The attempt holding it never finishes (it crashed): the delivery is not lost.
    await eventually('the lease to lapse', () => store.firstDelivery(delivery));
    expect(await store.create(record('r-retaken'), decided, delivery)).toBe('created');
  });

  it('keeps a finished delivery finished, whether or not it made a request', async () => {
    const delivery = `view:${uniqueSuffix()}`;
    expect(await store.firstDelivery(delivery)).toBe(true);
    await store.finishDelivery(delivery);
    expect(await store.firstDelivery(delivery)).toBe(false);
    expect(await redis.ttl(`${prefix}:delivery:${delivery}`)).toBeGreaterThan(60);
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

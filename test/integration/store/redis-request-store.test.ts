import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RequestRecord } from '../../../src/core/request.js';
import { RedisRequestStore } from '../../../src/store/redis-request-store.js';
import { uniqueSuffix } from '../../support/harness.js';

const record = (id: string): RequestRecord => ({
  id,
  kind: 'namespace.create',
  params: { name: 'team-a-web', cluster: 'pub-local-a', team: 'team-a', cpu: '4', memory: '8Gi' },
  description: 'namespace team-a-web',
  requester: { slackId: 'UALICE', email: 'alice@n3r.example', groups: ['team-a'] },
  cluster: { name: 'pub-local-a', type: 'public', region: 'local' },
  state: 'queued',
  channel: 'C0TEAMA',
  card: null,
  decision: {
    allow: true,
    deny: [],
    approval: { required: false, groups: [], count: 0, expiresIn: '0s', reasons: [] },
    warnings: [],
    obligations: {},
    revision: 'public-x',
  },
  result: null,
  error: null,
  createdAt: '2026-11-25T00:00:00.000Z',
  updatedAt: '2026-11-25T00:00:00.000Z',
});

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
    expect(await store.create(record('r-dup'))).toBe(true);
    expect(await store.create({ ...record('r-dup'), description: 'other' })).toBe(false);
    expect((await store.get('r-dup'))?.description).toBe('namespace team-a-web');
    expect(await redis.xlen(store.auditKey('r-dup'))).toBe(1);
  });

  it('lets exactly one of many concurrent transitions win, with one audit entry for it', async () => {
    await store.create(record('r-race'));
    const results = await Promise.all(
      Array.from({ length: 25 }, () => store.transition('r-race', ['queued'], 'running')),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const trail = await redis.xrange(store.auditKey('r-race'), '-', '+');
    expect(trail.map(([, fields]) => fields[1])).toEqual(['queued', 'running']);
  });

  it('keeps every concurrent change: a card set during a transition is not lost', async () => {
    await store.create(record('r-both'));
    await Promise.all([
      store.setCard('r-both', { channel: 'C0TEAMA', ts: '1.000001' }),
      store.transition('r-both', ['queued'], 'running'),
      store.transition('r-both', ['running'], 'succeeded', { result: { summary: 'ok', details: [] } }),
    ]);
    const stored = await store.get('r-both');
    expect(stored?.card).toEqual({ channel: 'C0TEAMA', ts: '1.000001' });
    expect(['running', 'succeeded']).toContain(stored?.state);
  });

  it('refuses a transition from a state the record is not in, and one for an unknown id', async () => {
    await store.create(record('r-done'));
    await store.transition('r-done', ['queued'], 'cancelled');
    expect(await store.transition('r-done', ['queued', 'running'], 'running')).toBeNull();
    expect(await store.transition('r-nothing', ['queued'], 'running')).toBeNull();
    expect((await store.get('r-done'))?.state).toBe('cancelled');
  });
});

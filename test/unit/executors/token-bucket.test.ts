import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/executors/token-bucket.js';

/** A clock that only moves when someone sleeps, so the bucket's arithmetic is checked, not the machine's speed. */
function fakeClock() {
  const clock = {
    at: 0,
    sleeps: [] as number[],
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.sleeps.push(Math.round(ms));
      clock.at += ms;
    },
  };
  return clock;
}

describe('the per-cluster token bucket', () => {
  it('lets a burst through at once, then one request per 1/qps', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ qps: 2, burst: 3 }, clock);
    for (let i = 0; i < 3; i++) await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    await bucket.take();
    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('serves waiters in order and refills after a quiet spell', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 1 }, clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    clock.at += 10_000;
    clock.sleeps.length = 0;
    await bucket.take();
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses a limit that could never let a request through', () => {
    expect(() => new TokenBucket({ qps: 0, burst: 1 })).toThrow(/qps > 0/);
    expect(() => new TokenBucket({ qps: 5, burst: 0 })).toThrow(/burst >= 1/);
  });
});

import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BullmqScheduler } from '../../../src/jobs/bullmq-scheduler.js';
import { bullPrefix } from '../../../src/jobs/queue-names.js';
import { eventually, uniqueSuffix } from '../../support/harness.js';

describe('revocations the grant sweeper asks for', () => {
  const prefix = `t-${uniqueSuffix()}`;
  let redis: Redis;
  let scheduler: BullmqScheduler;
  let timers: Queue;
  beforeAll(() => {
    redis = new Redis(inject('stack').redisUrl, { maxRetriesPerRequest: null });
    scheduler = new BullmqScheduler(redis, prefix);
    timers = new Queue('timers', { connection: redis, prefix: bullPrefix(prefix) });
  });
  afterAll(async () => {
    await timers.close();
    await scheduler.close();
    await redis.quit();
  });

  it('queues a missing revocation once, leaves a queued one, and starts a given-up one again', async () => {
    expect(await scheduler.ensure('r-lost')).toBe('queued');
    expect(await scheduler.ensure('r-lost')).toBe('pending');
    const job = await timers.getJob('revoke-r-lost');
    expect(job?.name).toBe('request.revoke');
    expect(job?.data).toEqual({ v: 1, requestId: 'r-lost' });
    expect(await job?.getState()).toBe('waiting');

    // Its retries are spent: BullMQ keeps it failed.
    const worker = new Worker(
      'timers',
      async () => {
        throw new UnrecoverableError('the apiserver did not answer');
      },
      { connection: redis, prefix: bullPrefix(prefix) },
    );
    await eventually('the revocation to fail', async () => (await job?.getState()) === 'failed');
    await worker.close();

    expect(await scheduler.ensure('r-lost')).toBe('restarted');
    const again = await timers.getJob('revoke-r-lost');
    expect(await again?.getState()).toBe('waiting');
    expect(again?.attemptsMade).toBe(0);
    expect(await timers.getJobCounts('waiting', 'failed', 'delayed')).toEqual({
      waiting: 1,
      failed: 0,
      delayed: 0,
    });
  });

  it('leaves a revocation that is still waiting for its time', async () => {
    await scheduler.scheduleRevocation(
      { id: 'r-later' } as Parameters<BullmqScheduler['scheduleRevocation']>[0],
      new Date(Date.now() + 3600_000).toISOString(),
    );
    expect(await scheduler.ensure('r-later')).toBe('pending');
    expect(await (await timers.getJob('revoke-r-later'))?.getState()).toBe('delayed');
  });
});

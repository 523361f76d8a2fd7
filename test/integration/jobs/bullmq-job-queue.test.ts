import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RequestRecord } from '../../../src/core/request.js';
import { BullmqJobQueue } from '../../../src/jobs/bullmq-job-queue.js';
import { uniqueSuffix } from '../../support/harness.js';

describe('the job queue on BullMQ', () => {
  let redis: Redis;
  let queue: BullmqJobQueue;
  beforeAll(() => {
    redis = new Redis(inject('stack').redisUrl, { maxRetriesPerRequest: null });
    queue = new BullmqJobQueue(redis, `t-${uniqueSuffix()}`);
  });
  afterAll(async () => {
    await queue.close();
    await redis.quit();
  });

  it('queues one job per request however often it is enqueued, on its cluster queue, with the request id as job id', async () => {
    const record = {
      id: 'r-once',
      kind: 'namespace.create',
      cluster: { name: 'pub-local-a' },
    } as RequestRecord;
    await Promise.all([
      queue.enqueue(record),
      queue.enqueue(record),
      queue.enqueue(record),
      queue.enqueue(record),
    ]);
    const counts = await queue.queueFor('pub-local-a').getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    const job = await queue.queueFor('pub-local-a').getJob('r-once');
    expect(job?.name).toBe('namespace.create');
    expect(job?.data).toEqual({ v: 1, requestId: 'r-once' });
    expect(await queue.queueFor('ded-local-a').getJobCounts()).toMatchObject({ waiting: 0 });
  });
});

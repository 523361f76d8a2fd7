import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RevokerMap, Scheduler } from '../core/ports.js';
import type { RequestRecord } from '../core/request.js';
import { expireRequest, revokeRequest, type SettleDeps } from '../core/settle-request.js';
import { bullPrefix } from './queue-names.js';

const timersQueue = 'timers';
const timerDataSchema = z.strictObject({ v: z.literal(1), requestId: z.string().regex(/^r-[a-z0-9]+$/) });
type TimerData = z.output<typeof timerDataSchema>;

/**
 * Timers as delayed BullMQ jobs, so they survive restarts: a request waiting for approval expires at
 * its `expiresAt` even if every process was restarted meanwhile.
 */
export class BullmqScheduler implements Scheduler {
  readonly #queue: Queue<TimerData>;

  constructor(connection: Redis, prefix: string) {
    this.#queue = new Queue<TimerData>(timersQueue, { connection, prefix: bullPrefix(prefix) });
  }

  async scheduleExpiry(record: RequestRecord): Promise<void> {
    if (!record.expiresAt) return;
    await this.#queue.add(
      'request.expire',
      { v: 1, requestId: record.id },
      {
        jobId: `expire-${record.id}`,
        delay: Math.max(0, Date.parse(record.expiresAt) - Date.now()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    );
  }

  async scheduleRevocation(record: RequestRecord, at: string): Promise<void> {
    await this.#queue.add(
      'request.revoke',
      { v: 1, requestId: record.id },
      {
        jobId: `revoke-${record.id}`,
        delay: Math.max(0, Date.parse(at) - Date.now()),
        attempts: 10,
        backoff: { type: 'exponential', delay: 5000 },
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: false,
      },
    );
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}

/** Runs due timers: expiries and revocations. A failed revocation is retried; it is never dropped. */
export function startTimerWorker(
  deps: SettleDeps & { revokers: RevokerMap; connection: Redis; prefix: string },
): {
  close(): Promise<void>;
} {
  const worker = new Worker<TimerData>(
    timersQueue,
    async (job) => {
      const data = timerDataSchema.parse(job.data);
      if (job.name === 'request.expire') await expireRequest(deps, data.requestId);
      if (job.name === 'request.revoke') await revokeRequest(deps, data.requestId);
    },
    { connection: deps.connection, prefix: bullPrefix(deps.prefix), concurrency: 4 },
  );
  worker.on('error', (error) => deps.log.error({ err: error.message }, 'timer worker error'));
  return { close: () => worker.close() };
}

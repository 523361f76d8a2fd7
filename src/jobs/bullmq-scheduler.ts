import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RevokerMap, Scheduler } from '../core/ports.js';
import type { RequestRecord } from '../core/request.js';
import { expireRequest, revokeRequest, type SettleDeps } from '../core/settle-request.js';
import type { GrantSweeper, RevocationStatus, Revocations } from './grant-sweeper.js';
import {
  expiryJobOptions,
  revocationJobOptions,
  sweepJobOptions,
  timerWorkerOptions,
} from './job-options.js';
import { bullPrefix } from './queue-names.js';

const timersQueue = 'timers';
const requestTimerSchema = z.strictObject({ v: z.literal(1), requestId: z.string().regex(/^r-[a-z0-9]+$/) });
const sweepSchema = z.strictObject({ v: z.literal(1) });
type TimerData = z.output<typeof requestTimerSchema> | z.output<typeof sweepSchema>;

/** The job that looks for grants past their expiry (see GrantSweeper). */
export const sweepJobName = 'grants.sweep';

const revocationJobId = (requestId: string) => `revoke-${requestId}`;

/**
 * Timers as delayed BullMQ jobs, so they survive restarts: a request waiting for approval expires at
 * its `expiresAt` even if every process was restarted meanwhile.
 */
export class BullmqScheduler implements Scheduler, Revocations {
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
        ...expiryJobOptions,
        jobId: `expire-${record.id}`,
        delay: Math.max(0, Date.parse(record.expiresAt) - Date.now()),
      },
    );
  }

  async scheduleRevocation(record: RequestRecord, at: string): Promise<void> {
    await this.#queue.add(
      'request.revoke',
      { v: 1, requestId: record.id },
      {
        ...revocationJobOptions,
        jobId: revocationJobId(record.id),
        delay: Math.max(0, Date.parse(at) - Date.now()),
      },
    );
  }

  /** The request's revocation job, due now: added when it is missing, started again when it was given up. */
  async ensure(requestId: string): Promise<RevocationStatus> {
    const jobId = revocationJobId(requestId);
    const job = await this.#queue.getJob(jobId);
    if (!job) {
      await this.#queue.add('request.revoke', { v: 1, requestId }, { ...revocationJobOptions, jobId });
      return 'queued';
    }
    const state = await job.getState();
    if (state !== 'failed' && state !== 'completed') return 'pending';
    // Finished, yet the grant is still recorded: its retries were spent, or it ran before the request could be
    // revoked. The same job runs again, with its attempts afresh.
    await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'restarted';
  }

  /**
   * A sweep every `everyMs` (a BullMQ job scheduler: one job per interval across every worker process),
   * and one now, for what came due while no worker ran.
   */
  async scheduleSweeps(everyMs: number): Promise<void> {
    const template = { name: sweepJobName, data: { v: 1 as const }, opts: sweepJobOptions };
    await this.#queue.upsertJobScheduler(sweepJobName, { every: everyMs }, template);
    await this.#queue.add(sweepJobName, template.data, sweepJobOptions);
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}

/**
 * Runs due timers: expiries, revocations and grant sweeps (with egress IP reconciliation). A failed revocation is retried; it is never
 * dropped, and a sweep starts it again once its retries are spent.
 */
export function startTimerWorker(
  deps: SettleDeps & {
    revokers: RevokerMap;
    sweeper: GrantSweeper;
    /** Queues again what was stored but never queued (a crash in between); runs with every sweep. */
    recoverOrphans: () => Promise<unknown>;
    /** Keeps the NAT egress IPs in Redis true to the apiservers (EgressReconciler); runs with every sweep. */
    reconcileEgress?: () => Promise<unknown>;
    connection: Redis;
    prefix: string;
  },
): {
  close(): Promise<void>;
} {
  const worker = new Worker<TimerData>(
    timersQueue,
    async (job) => {
      if (job.name === sweepJobName) {
        sweepSchema.parse(job.data);
        await deps.sweeper.sweep();
        await deps.recoverOrphans();
        // Its own failures are logged per cluster; nothing of it may stop the next sweep.
        await deps.reconcileEgress?.().catch((error: unknown) => {
          deps.log.error({ err: error }, 'egress IPs not reconciled');
        });
        return;
      }
      const data = requestTimerSchema.parse(job.data);
      if (job.name === 'request.expire') await expireRequest(deps, data.requestId);
      if (job.name === 'request.revoke') await revokeRequest(deps, data.requestId);
    },
    { connection: deps.connection, prefix: bullPrefix(deps.prefix), ...timerWorkerOptions },
  );
  worker.on('error', (error) => deps.log.error({ err: error.message }, 'timer worker error'));
  return { close: () => worker.close() };
}

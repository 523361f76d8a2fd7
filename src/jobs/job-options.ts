import type { WorkerOptions as BullWorkerOptions, JobsOptions } from 'bullmq';

/**
 * Every BullMQ option n3r sets, in one place: what each kind of job is given (attempts, backoff, how long
 * it is kept once finished) and how the workers hold and give up jobs. The queue, the scheduler and the
 * workers take their options from here and set none of their own.
 */

const day = 24 * 3600;

export interface RequestJobOptions {
  /** Attempts per request job, retries included, for retryable failures. @defaultValue 5 */
  attempts?: number;
  /** First retry delay of a request job; doubles each attempt. @defaultValue 2000 ms */
  backoffMs?: number;
}

/**
 * A request's job (the change itself). Kept a week when done and a month when failed, for the audit and
 * for `n3r status`; its id is the request id, so keeping it also keeps a late duplicate from running.
 */
export function requestJobOptions(options: RequestJobOptions = {}): JobsOptions {
  return {
    attempts: options.attempts ?? 5,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 2000 },
    removeOnComplete: { age: 7 * day },
    removeOnFail: { age: 30 * day },
  };
}

/** The dry run shown in an approval prompt: three attempts, kept a day (a week when it failed). */
export const previewJobOptions: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: day },
  removeOnFail: { age: 7 * day },
};

/** The expiry of a request waiting for approval: five attempts from 2 s, kept a day (a month when failed). */
export const expiryJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: day },
  removeOnFail: { age: 30 * day },
};

/**
 * The revocation of a time-bound change at its end: ten attempts from 5 s (about 40 minutes in all), kept a
 * week when done and never removed when failed, so a grant that could not be revoked stays visible. The
 * grant sweeper starts a failed one again.
 */
export const revocationJobOptions: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * day },
  removeOnFail: false,
};

/** One sweep for grants past their expiry: a single attempt (the next sweep is the retry), kept briefly. */
export const sweepJobOptions: JobsOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};

export interface ClusterWorkerOptions {
  /** Jobs run at once per cluster. @defaultValue 2 */
  concurrencyPerCluster?: number;
  /**
   * How long a job's lock lasts without renewal; a worker that died is noticed after about this long and
   * its jobs run again (executors are idempotent). @defaultValue 30000 ms
   */
  lockMs?: number;
}

/**
 * A job whose worker died this many times is given up (and its request marked failed): BullMQ fails it
 * with "job stalled more than allowable limit" when a worker next takes it.
 */
export const maxStalledCount = 10;

/** How each cluster's worker holds its jobs: the lock, how often stalled jobs are looked for, the stall limit. */
export function clusterWorkerOptions(
  options: ClusterWorkerOptions = {},
): Pick<BullWorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  const lockMs = options.lockMs ?? 30_000;
  return {
    concurrency: options.concurrencyPerCluster ?? 2,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount,
  };
}

/** The timers worker (expiries, revocations, sweeps): four at once, BullMQ's lock and stall defaults. */
export const timerWorkerOptions: Pick<BullWorkerOptions, 'concurrency'> = { concurrency: 4 };

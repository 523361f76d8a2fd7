import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import { abandonRun } from '../core/run-parts.js';
import { previewRequest, type RunDeps, runRequest } from '../core/run-request.js';
import { AppError } from '../errors.js';
import { type JobOutcome, type Metrics, noMetrics } from '../metrics/metrics.js';
import { type JobData, jobDataSchema } from './job-data.js';
import { bullPrefix, clusterQueueName, previewJobName } from './queue-names.js';

export interface WorkerOptions {
  /** Jobs run at once per cluster. @defaultValue 2 */
  concurrencyPerCluster?: number;
  /**
   * How long a job's lock lasts without renewal; a worker that died is noticed after about this long and
   * its jobs run again (executors are idempotent). @defaultValue 30000 ms
   */
  lockMs?: number;
}

/** A job whose worker died this many times is given up (and its request marked failed). */
const maxStalledCount = 10;

/** One BullMQ worker per registered cluster, each running requests through `runRequest`. */
export function startWorkers(
  deps: RunDeps & { registry: ClusterRegistry; connection: Redis; prefix: string; metrics?: Metrics },
  options: WorkerOptions = {},
): { close(): Promise<void> } {
  const metrics = deps.metrics ?? noMetrics;
  const workers = deps.registry.clusters.map((cluster) => {
    const worker = new Worker<JobData>(
      clusterQueueName(cluster.name),
      async (job, _token, signal) => {
        const data = jobDataSchema.safeParse(job.data);
        if (!data.success) throw new UnrecoverableError(`job ${job.id} has malformed data`);
        const attempt = job.attemptsMade + 1;
        const willRetry = attempt < (job.opts.attempts ?? 1);
        const started = performance.now();
        const finished = (outcome: JobOutcome) =>
          metrics.jobFinished(job.name, cluster.name, outcome, (performance.now() - started) / 1000);
        const run = {
          requestId: data.data.requestId,
          attempt,
          willRetry,
          attempts: job.opts.attempts ?? 1,
          signal: signal ?? new AbortController().signal,
        };
        try {
          if (job.name === previewJobName) {
            await previewRequest(deps, run.requestId, run.signal);
            finished('succeeded');
            return;
          }
          const target = data.data.target;
          const outcome = await runRequest(deps, target === undefined ? run : { ...run, cluster: target });
          finished(outcome);
          return outcome;
        } catch (error) {
          const final = !willRetry || (error instanceof AppError && !error.retryable);
          finished(final ? 'failed' : 'retrying');
          if (final) metrics.error('worker', error instanceof AppError ? error.code : 'INTERNAL');
          if (error instanceof AppError && !error.retryable)
            throw new UnrecoverableError(`${error.code}: ${error.message}`);
          throw error;
        }
      },
      {
        connection: deps.connection,
        prefix: bullPrefix(deps.prefix),
        concurrency: options.concurrencyPerCluster ?? 2,
        lockDuration: options.lockMs ?? 30_000,
        stalledInterval: options.lockMs ?? 30_000,
        maxStalledCount,
      },
    );
    worker.on('failed', (job, error) => {
      deps.log.warn({ jobId: job?.id, cluster: cluster.name, err: error.message }, 'job attempt failed');
      const final =
        job &&
        (error instanceof UnrecoverableError ||
          job.attemptsMade >= (job.opts.attempts ?? 1) ||
          /stalled/.test(error.message));
      if (final && job) void settleAbandoned(deps, job.data, error.message);
    });
    worker.on('stalled', (jobId) => deps.log.warn({ jobId, cluster: cluster.name }, 'job stalled'));
    worker.on('error', (error) =>
      deps.log.error({ cluster: cluster.name, err: error.message }, 'worker error'),
    );
    return worker;
  });
  return {
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

/**
 * A job BullMQ gave up on (retries spent, or stalled too often) must not leave its request looking alive:
 * it is marked failed and the card says so. A request the run already settled is left as it is.
 */
async function settleAbandoned(deps: RunDeps, job: JobData, reason: string): Promise<void> {
  try {
    await abandonRun(
      deps,
      { requestId: job.requestId, ...(job.target ? { cluster: job.target } : {}) },
      reason,
    );
  } catch (error) {
    deps.log.error({ requestId: job.requestId, err: error }, 'could not mark an abandoned request failed');
  }
}

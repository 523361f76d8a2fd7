import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import { abandonRun } from '../core/run-parts.js';
import { previewRequest, type RunDeps, runRequest } from '../core/run-request.js';
import { AppError } from '../errors.js';
import { type JobOutcome, type Metrics, noMetrics } from '../metrics/metrics.js';
import { type JobData, jobDataSchema } from './job-data.js';
import { type ClusterWorkerOptions, clusterWorkerOptions, maxStalledCount } from './job-options.js';
import { bullPrefix, clusterQueueName, previewJobName } from './queue-names.js';

/** One BullMQ worker per registered cluster, each running requests through `runRequest`. */
export function startWorkers(
  deps: RunDeps & { registry: ClusterRegistry; connection: Redis; prefix: string; metrics?: Metrics },
  options: ClusterWorkerOptions = {},
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
      { connection: deps.connection, prefix: bullPrefix(deps.prefix), ...clusterWorkerOptions(options) },
    );
    worker.on('failed', (job, error) => {
      deps.log.warn({ jobId: job?.id, cluster: cluster.name, err: error.message }, 'job attempt failed');
      // BullMQ sets finishedOn only when it moves the job to failed for good: retries spent, an
      // UnrecoverableError, or a job that stalled more than maxStalledCount times (which the next worker
      // to take it fails at once, with BullMQ's own reason).
      if (!job?.finishedOn) return;
      if (job.stalledCounter > maxStalledCount) {
        deps.log.error(
          { jobId: job.id, cluster: cluster.name, stalled: job.stalledCounter },
          'job given up: its worker died each time it ran',
        );
      }
      void settleAbandoned(deps, job.data, error.message);
    });
    // A worker's stalled-job check found a job whose lock had lapsed (its worker died): it runs again.
    worker.on('stalled', (jobId) => {
      deps.log.warn({ jobId, cluster: cluster.name }, 'job stalled');
      metrics.jobStalled(cluster.name);
    });
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

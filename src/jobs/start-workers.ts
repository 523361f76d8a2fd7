import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import { type RunDeps, runRequest } from '../core/run-request.js';
import { AppError } from '../errors.js';
import { type JobData, jobDataSchema } from './job-data.js';
import { bullPrefix, clusterQueueName } from './queue-names.js';

export interface WorkerOptions {
  /** Jobs run at once per cluster. @defaultValue 2 */
  concurrencyPerCluster?: number;
}

/** One BullMQ worker per registered cluster, each running requests through `runRequest`. */
export function startWorkers(
  deps: RunDeps & { registry: ClusterRegistry; connection: Redis; prefix: string },
  options: WorkerOptions = {},
): { close(): Promise<void> } {
  const workers = deps.registry.clusters.map((cluster) => {
    const worker = new Worker<JobData>(
      clusterQueueName(cluster.name),
      async (job, _token, signal) => {
        const data = jobDataSchema.safeParse(job.data);
        if (!data.success) throw new UnrecoverableError(`job ${job.id} has malformed data`);
        const attempt = job.attemptsMade + 1;
        try {
          return await runRequest(deps, {
            requestId: data.data.requestId,
            attempt,
            willRetry: attempt < (job.opts.attempts ?? 1),
            signal: signal ?? new AbortController().signal,
          });
        } catch (error) {
          if (error instanceof AppError && !error.retryable)
            throw new UnrecoverableError(`${error.code}: ${error.message}`);
          throw error;
        }
      },
      {
        connection: deps.connection,
        prefix: bullPrefix(deps.prefix),
        concurrency: options.concurrencyPerCluster ?? 2,
      },
    );
    worker.on('failed', (job, error) =>
      deps.log.warn({ jobId: job?.id, cluster: cluster.name, err: error.message }, 'job attempt failed'),
    );
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

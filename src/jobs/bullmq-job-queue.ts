import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobQueue } from '../core/ports.js';
import type { RequestRecord } from '../core/request.js';
import type { JobData } from './job-data.js';
import { previewJobOptions, type RequestJobOptions, requestJobOptions } from './job-options.js';
import { bullPrefix, clusterQueueName, previewJobName, targetJobId } from './queue-names.js';

/** Enqueues each request on its cluster's queue, with the request id as job id. */
export class BullmqJobQueue implements JobQueue {
  readonly #queues = new Map<string, Queue<JobData>>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly options: RequestJobOptions = {},
  ) {}

  queueFor(cluster: string): Queue<JobData> {
    let queue = this.#queues.get(cluster);
    if (!queue) {
      queue = new Queue<JobData>(clusterQueueName(cluster), {
        connection: this.connection,
        prefix: bullPrefix(this.prefix),
      });
      this.#queues.set(cluster, queue);
    }
    return queue;
  }

  /**
   * One job on the request's cluster queue; for a request that changes several clusters, one job on each
   * of their queues, so a slow or unreachable cluster holds up only its own part.
   */
  async enqueue(record: RequestRecord): Promise<void> {
    const options = requestJobOptions(this.options);
    // A job id that exists already makes add() a no-op: a second enqueue of one request is harmless.
    if (record.targets) {
      await Promise.all(
        record.targets.map(({ cluster }) =>
          this.queueFor(cluster.name).add(
            record.kind,
            { v: 1, requestId: record.id, target: cluster.name },
            { ...options, jobId: targetJobId(record.id, cluster.name) },
          ),
        ),
      );
      return;
    }
    await this.queueFor(record.cluster.name).add(
      record.kind,
      { v: 1, requestId: record.id },
      { ...options, jobId: record.id },
    );
  }

  async enqueuePreview(record: RequestRecord): Promise<void> {
    await this.queueFor(record.cluster.name).add(
      previewJobName,
      { v: 1, requestId: record.id },
      { ...previewJobOptions, jobId: `preview-${record.id}` },
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
  }
}

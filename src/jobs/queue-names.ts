/**
 * One BullMQ queue per cluster: a cluster that is slow or unreachable only holds up its own queue, and
 * each cluster's worker has its own concurrency. BullMQ's group/partition features are Pro-only; separate
 * queues are how the open-source edition isolates tenants.
 */
export function clusterQueueName(cluster: string): string {
  return `cluster-${cluster}`;
}

/** Redis key prefix for BullMQ; the braces make it a Redis Cluster hash tag, keeping a queue's keys in one slot. */
export function bullPrefix(prefix: string): string {
  return `{${prefix}}:bull`;
}

/** The job name of a dry run for an approval prompt; other jobs are named by their request kind. */
export const previewJobName = 'request.preview';

/** The job of one cluster of a request that changes several: unique per request and cluster. */
export function targetJobId(requestId: string, cluster: string): string {
  return `${requestId}@${cluster}`;
}

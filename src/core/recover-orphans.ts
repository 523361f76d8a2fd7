import type { Logger } from '../logger.js';
import type { JobQueue, RequestStore, Scheduler } from './ports.js';

export interface RecoveryDeps {
  store: RequestStore;
  queue: JobQueue;
  scheduler: Scheduler;
  log: Logger;
  now?: () => Date;
}

/** How long a request may sit unchanged before recovery looks at it: well past a normal enqueue. */
export const orphanAfterMs = 60_000;

/**
 * At-least-once for what people were told was accepted: a request is stored before its job is queued (and
 * before its expiry timer is set), so a crash in between leaves a stored request with no job. Recovery
 * finds requests still queued, or waiting for approval, that have not changed for a while, and queues their
 * job (or timer) again. Both are keyed by the request id, so one that exists already is left as it is.
 * Returns how many requests it looked at.
 */
export async function recoverOrphans(deps: RecoveryDeps, batch = 500): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const stale = await deps.store.openSince(new Date(now.getTime() - orphanAfterMs), batch);
  for (const record of stale) {
    try {
      if (record.state === 'queued') await deps.queue.enqueue(record);
      if (record.state === 'awaiting_approval') await deps.scheduler.scheduleExpiry(record);
    } catch (error) {
      deps.log.warn({ requestId: record.id, err: error }, 'orphan recovery failed; tried again next round');
    }
  }
  if (stale.length > 0) deps.log.info({ looked: stale.length }, 'open requests checked for lost jobs');
  return stale.length;
}

import type { Redis } from 'ioredis';
import type { RecordChange } from '../core/ports.js';
import type { RequestRecord, RequestState } from '../core/request.js';
import type { Logger } from '../logger.js';
import { RedisRequestStore } from '../store/redis-request-store.js';
import type { Metrics } from './metrics.js';

/** What a wait for approval ended as, by the state the request left it for. */
const waitOutcome: Partial<Record<RequestState, string>> = {
  queued: 'approved',
  rejected: 'rejected',
  expired: 'expired',
  cancelled: 'cancelled',
  failed: 'denied',
};

/**
 * The request store, observing every change that takes a request out of "awaiting approval": the approval
 * wait time, whichever path ended it (a button, a reaction, the expiry timer, a cancel). Every change,
 * transitions included, goes through `update`, so that is the one place observed.
 */
export class ApprovalWaitStore extends RedisRequestStore {
  constructor(
    redis: Redis,
    prefix: string,
    log: Logger,
    private readonly metrics: Metrics,
  ) {
    super(redis, prefix, log);
  }

  override async update(
    id: string,
    change: (record: RequestRecord) => RecordChange | null,
  ): Promise<RequestRecord | null> {
    // The change may run more than once (compare-and-set retries); the last run is the one stored.
    let before: RequestState | null = null;
    const stored = await super.update(id, (record) => {
      before = record.state;
      return change(record);
    });
    if (stored && before === 'awaiting_approval' && stored.state !== 'awaiting_approval') {
      const seconds = (Date.parse(stored.updatedAt) - Date.parse(stored.createdAt)) / 1000;
      this.metrics.approvalSettled(stored.kind, waitOutcome[stored.state] ?? stored.state, seconds);
    }
    return stored;
  }
}

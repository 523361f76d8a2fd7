import type { RecordChange, RequestStore } from '../core/ports.js';
import type { AuditEvent, RequestRecord, RequestState } from '../core/request.js';
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
 * The request store port, observing every change that takes a request out of "awaiting approval": the
 * approval wait time, whichever path ended it (a button, a reaction, the expiry timer, a cancel).
 */
export class ApprovalWaitStore implements RequestStore {
  constructor(
    private readonly inner: RequestStore,
    private readonly metrics: Metrics,
  ) {}

  create(record: RequestRecord, audit: AuditEvent): Promise<boolean> {
    return this.inner.create(record, audit);
  }

  get(id: string): Promise<RequestRecord | null> {
    return this.inner.get(id);
  }

  async update(
    id: string,
    change: (record: RequestRecord) => RecordChange | null,
  ): Promise<RequestRecord | null> {
    // The change may run more than once (compare-and-set retries); the last run is the one stored.
    let before: RequestState | null = null;
    const stored = await this.inner.update(id, (record) => {
      before = record.state;
      return change(record);
    });
    if (stored && before === 'awaiting_approval' && stored.state !== 'awaiting_approval') {
      const seconds = (Date.parse(stored.updatedAt) - Date.parse(stored.createdAt)) / 1000;
      this.metrics.approvalSettled(stored.kind, waitOutcome[stored.state] ?? stored.state, seconds);
    }
    return stored;
  }

  // The same contract as the store's own, expressed through update() so that it is observed too.
  transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: Partial<RequestRecord> = {},
    audit?: AuditEvent,
  ): Promise<RequestRecord | null> {
    return this.update(id, (record) =>
      from.includes(record.state)
        ? { record: { ...record, ...patch, state: to }, audit: audit ?? { event: to, actor: 'n3r' } }
        : null,
    );
  }

  auditTrail(id: string) {
    return this.inner.auditTrail(id);
  }

  linkMessage(...args: Parameters<RequestStore['linkMessage']>) {
    return this.inner.linkMessage(...args);
  }

  requestAt(...args: Parameters<RequestStore['requestAt']>) {
    return this.inner.requestAt(...args);
  }

  firstDelivery(...args: Parameters<RequestStore['firstDelivery']>) {
    return this.inner.firstDelivery(...args);
  }

  recentByRequester(...args: Parameters<RequestStore['recentByRequester']>) {
    return this.inner.recentByRequester(...args);
  }
}

import type { Logger } from '../logger.js';
import type { LifecycleEvents } from './lifecycle-events.js';
import type { RequestStore } from './ports.js';
import { publish } from './publish.js';
import type { RequestRecord } from './request.js';

/** A request a run settled (done or failed) whose end was not told yet. */
export function needsReport(record: RequestRecord): boolean {
  return (record.state === 'succeeded' || record.state === 'failed') && record.reportedState !== record.state;
}

/**
 * Tells a settled request's end, then marks it as told so that a later job does not tell it again. `again`:
 * catching up after a crash, when the end may have been told but not recorded as told: it is told only
 * where it is not shown yet, so it is told once.
 */
export async function reportSettled(
  deps: { store: RequestStore; events: LifecycleEvents },
  log: Logger,
  record: RequestRecord,
  again = false,
): Promise<void> {
  if (record.state !== 'succeeded' && record.state !== 'failed') return;
  await publish({ ...deps, log }, { type: record.state, record, ...(again ? { again } : {}) });
  await deps.store.update(record.id, (r) =>
    r.state === record.state ? { record: { ...r, reportedState: r.state } } : null,
  );
}

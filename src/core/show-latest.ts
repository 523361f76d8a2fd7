import type { Logger } from '../logger.js';
import type { Notifier, RequestStore } from './ports.js';
import type { RequestRecord } from './request.js';

/**
 * Redraws a Slack message from the request as it is now, and again if it changed while the update was on
 * its way: two writers racing (a dry run finishing as the requester cancels) can reach Slack in either
 * order, but the last one to draw has read the latest record.
 */
export async function showLatest(
  deps: { store: RequestStore; notifier: Notifier; log: Logger },
  requestId: string,
  draw: (notifier: Notifier, record: RequestRecord) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const before = await deps.store.get(requestId);
    if (!before) return;
    try {
      await draw(deps.notifier, before);
    } catch (error) {
      deps.log.warn({ requestId, err: error }, 'slack update failed');
      return;
    }
    const after = await deps.store.get(requestId);
    if (!after || after.updatedAt === before.updatedAt) return;
  }
}

import type { Logger } from '../logger.js';
import type { LifecycleEvent, LifecycleEvents, PostedMessages } from './lifecycle-events.js';
import type { RequestStore } from './ports.js';
import type { RequestRecord } from './request.js';

export interface PublishDeps {
  events: LifecycleEvents;
  store: RequestStore;
  log: Logger;
}

/**
 * Tells people about an event. Slack being down must not undo what was recorded: the record holds the truth,
 * so a failure is logged and the caller goes on. Returns what was posted, or null when nothing was.
 * A card the adapter posted (or found) for a record without one is recorded at once, so that the next event
 * redraws it instead of showing the request a second time.
 */
export async function publish(deps: PublishDeps, event: LifecycleEvent): Promise<PostedMessages | null> {
  let posted: PostedMessages;
  try {
    posted = await deps.events.publish(event);
  } catch (error) {
    deps.log.warn({ err: error, requestId: event.record.id, event: event.type }, 'event not shown');
    return null;
  }
  const card = posted.card;
  if (card && !event.record.card) {
    await deps.store
      .update(event.record.id, (r) => (r.card ? null : { record: { ...r, card } }))
      // Not recorded: the next event finds the card by its metadata.
      .catch((error: unknown) =>
        deps.log.warn({ err: error, requestId: event.record.id }, 'card not recorded'),
      );
  }
  return posted;
}

/**
 * Publishes an event built from the request as it is now, and again if the record changed while it was on
 * its way: two writers racing (a dry run finishing as the requester cancels) can reach Slack in either
 * order, but the last one to show has read the latest record.
 */
export async function publishLatest(
  deps: PublishDeps,
  requestId: string,
  eventOf: (record: RequestRecord) => LifecycleEvent,
): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const before = await deps.store.get(requestId);
    if (!before) return;
    if ((await publish(deps, eventOf(before))) === null) return;
    const after = await deps.store.get(requestId);
    if (!after || after.updatedAt === before.updatedAt || onlyCardRecorded(before, after)) return;
  }
}

/** Whether the one change between the two is the card that showing the event found and recorded. */
function onlyCardRecorded(before: RequestRecord, after: RequestRecord): boolean {
  if (before.card || !after.card) return false;
  const { card: _a, updatedAt: _b, ...was } = before;
  const { card: _c, updatedAt: _d, ...is } = after;
  return JSON.stringify(was) === JSON.stringify(is);
}

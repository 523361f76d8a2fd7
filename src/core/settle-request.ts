import type { Logger } from '../logger.js';
import type { LifecycleEvent, LifecycleEvents } from './lifecycle-events.js';
import type { RequestStore, RevokerMap } from './ports.js';
import { publish, publishLatest } from './publish.js';
import type { RequestRecord, RequestState } from './request.js';

export interface SettleDeps {
  store: RequestStore;
  events: LifecycleEvents;
  log: Logger;
}

export type CancelOutcome =
  | { outcome: 'unknown-request' }
  | { outcome: 'not-yours' }
  | { outcome: 'too-late'; record: RequestRecord }
  | { outcome: 'cancelled'; record: RequestRecord };

/** The requester withdraws a request that has not started; a queued job then finds it cancelled and does nothing. */
export async function cancelRequest(
  deps: SettleDeps,
  args: { requestId: string; slackUserId: string },
): Promise<CancelOutcome> {
  const record = await deps.store.get(args.requestId);
  if (!record) return { outcome: 'unknown-request' };
  if (record.requester.slackId !== args.slackUserId) return { outcome: 'not-yours' };
  const cancelled = await deps.store.transition(
    record.id,
    ['awaiting_approval', 'queued'],
    'cancelled',
    {},
    {
      event: 'cancelled',
      actor: args.slackUserId,
    },
  );
  if (!cancelled) return { outcome: 'too-late', record: (await deps.store.get(record.id)) ?? record };
  await settled(deps, cancelled, (latest) => ({ type: 'cancelled', record: latest, by: args.slackUserId }));
  return { outcome: 'cancelled', record: cancelled };
}

/** The expiry timer fired: a request still waiting for approval expires; anything else is left alone. */
export async function expireRequest(deps: SettleDeps, requestId: string): Promise<RequestRecord | null> {
  const expired = await deps.store.transition(
    requestId,
    ['awaiting_approval'],
    'expired',
    {},
    { event: 'expired', actor: 'n3r' },
  );
  if (expired) await settled(deps, expired, (latest) => ({ type: 'expired', record: latest }));
  return expired;
}

/** Shows how a request that never ran ended, from its latest record (a racing dry run may redraw too). */
async function settled(
  deps: SettleDeps,
  record: RequestRecord,
  eventOf: (latest: RequestRecord) => LifecycleEvent,
): Promise<void> {
  await publishLatest({ ...deps, log: deps.log.child({ requestId: record.id }) }, record.id, eventOf);
}

/**
 * States a request can be in once its executor has run, wholly or in part: a run that failed halfway (or
 * was given up after its worker died) may have applied its change all the same.
 */
const mayHaveApplied: ReadonlySet<RequestState> = new Set(['running', 'succeeded', 'failed']);

/**
 * A time-bound change reached its end: undo it (idempotently), record it in the trail and say so in the
 * request's thread, whatever state the request ended in. Returns null for a request that has nothing to
 * revoke (unknown, a kind without a revoker, or never run).
 */
export async function revokeRequest(
  deps: SettleDeps & { revokers: RevokerMap },
  requestId: string,
): Promise<RequestRecord | null> {
  const record = await deps.store.get(requestId);
  const revoke = record ? deps.revokers[record.kind] : undefined;
  if (!record || !revoke || !mayHaveApplied.has(record.state)) return null;
  const result = await revoke(record);
  // Undone as often as asked (the timer and the sweeper may both come), recorded and told once.
  const ended = { at: new Date().toISOString(), by: null, summary: result.summary };
  const revoked = await deps.store.update(record.id, (r) =>
    r.ended
      ? null
      : {
          record: { ...r, ended },
          audit: { event: 'revoked', actor: 'n3r', detail: { summary: result.summary } },
        },
  );
  if (!revoked) return (await deps.store.get(record.id)) ?? record;
  await publish(
    { ...deps, log: deps.log.child({ requestId }) },
    { type: 'revoked', record: revoked, summary: result.summary, by: null },
  );
  return revoked;
}

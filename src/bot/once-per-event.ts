import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { RequestStore } from '../core/ports.js';

/**
 * Global middleware: an Events API event reaches the listeners once however often Slack delivers it (its
 * event_id is the same on every retry). The claim is a lease, finished only when the listeners are done, so
 * an attempt that died midway lets a later retry handle the event after all. Interactions and commands are
 * claimed by their listeners, after they have checked what the person entered.
 */
export function oncePerEvent(
  store: Pick<RequestStore, 'firstDelivery' | 'finishDelivery'>,
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId !== 'string') return next();
    const delivery = `event:${eventId}`;
    if (!(await store.firstDelivery(delivery))) return;
    await next();
    await store.finishDelivery(delivery);
  };
}

import { randomBytes } from 'node:crypto';
import { type AckFn, type AnyMiddlewareArgs, App, type Middleware, type ReceiverEvent } from '@slack/bolt';
import { toAppError, userTextOf } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { notice } from './views/messages.js';
import type { SlackMessage } from './views/primitives.js';

/** Whether Slack has had its answer for the delivery being handled; Bolt does not say. */
interface AckState {
  done: boolean;
}

/** The context key of the delivery's ack state (Bolt passes a receiver's custom properties in `context`). */
const ackStateKey = 'n3rAck';

/**
 * Bolt's App, with each delivery's ack watched, so that the listener guard can answer Slack for a
 * listener that failed before it did (Slack wants an answer within 3 seconds).
 */
export class AckWatchingApp extends App {
  override async processEvent(event: ReceiverEvent): Promise<void> {
    const ack: AckState = { done: false };
    const watched: AckFn<unknown> = async (response) => {
      ack.done = true;
      await event.ack(response);
    };
    await super.processEvent({
      ...event,
      ack: watched,
      customProperties: { ...event.customProperties, [ackStateKey]: ack },
    });
  }
}

export interface ListenerGuardDeps {
  log: Logger;
  /** Where failures are counted. @defaultValue no metrics */
  metrics?: Metrics;
}

/**
 * The global middleware every listener runs through. A listener that throws is logged with a short
 * reference (`ref e-…`), the Slack delivery and the request it was about (a listener may name it as
 * `context.requestId`), and the person is told, only them: the error's user-safe text, or "Something went
 * wrong (ref e-…)". A delivery the listener had not acknowledged yet is acknowledged first.
 */
export function listenerGuard(deps: ListenerGuardDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    try {
      await args.next();
    } catch (error) {
      const ref = `e-${randomBytes(4).toString('hex')}`;
      const appError = toAppError(error);
      const body = args.body as unknown as Loose;
      const where = whereToTell(body);
      deps.metrics?.error('bot', appError.code);
      deps.log.error(
        {
          err: appError,
          ref,
          delivery: deliveryOf(body),
          ...(typeof args.context.requestId === 'string' ? { requestId: args.context.requestId } : {}),
          ...(where.user ? { slackUserId: where.user } : {}),
        },
        'listener failed',
      );
      await answerSlack(args).catch((ackError: unknown) =>
        deps.log.warn({ err: ackError, ref }, 'failed listener could not be acknowledged'),
      );
      if (!where.user) return;
      await tell(args, where, notice(userTextOf(appError, ref))).catch((tellError: unknown) =>
        deps.log.warn({ err: tellError, ref }, 'failed listener could not tell the person'),
      );
    }
  };
}

/** Acknowledges the delivery when the listener did not get to it (events are acknowledged by Bolt). */
async function answerSlack(args: Parameters<Middleware<AnyMiddlewareArgs>>[0]): Promise<void> {
  const ack = args.context[ackStateKey] as AckState | undefined;
  if (ack?.done !== false || !('ack' in args) || typeof args.ack !== 'function') return;
  await (args.ack as AckFn<void>)();
}

type Loose = Record<string, unknown>;

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Loose)[key] : undefined;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Who acted, and the channel they acted in when there is one, across commands, interactions and events. */
function whereToTell(body: Loose): { user: string | null; channel: string | null } {
  const event = field(body, 'event');
  return {
    user: text(body.user_id) ?? text(field(body.user, 'id')) ?? text(field(event, 'user')),
    channel:
      text(body.channel_id) ??
      text(field(body.channel, 'id')) ??
      text(field(event, 'channel')) ??
      text(field(field(event, 'item'), 'channel')),
  };
}

/** The delivery's own id, to find it again in Slack's and our logs. */
function deliveryOf(body: Loose): Loose {
  const actions = body.actions;
  const action = Array.isArray(actions) ? actions[0] : undefined;
  return {
    type: body.type ?? (body.command ? 'slash_command' : undefined),
    ...(body.command ? { command: body.command } : {}),
    ...(body.event_id ? { eventId: body.event_id } : {}),
    ...(body.trigger_id ? { triggerId: body.trigger_id } : {}),
    ...(field(action, 'action_id') ? { actionId: field(action, 'action_id') } : {}),
    ...(field(body.view, 'id') ? { viewId: field(body.view, 'id') } : {}),
  };
}

/**
 * Only the person sees it: through the response_url where Slack gave one (it works in channels the bot is
 * not in), else as an ephemeral message where they acted, else in their direct messages with the app
 * (a modal, a shortcut, App Home).
 */
async function tell(
  args: Parameters<Middleware<AnyMiddlewareArgs>>[0],
  where: { user: string | null; channel: string | null },
  message: SlackMessage,
): Promise<void> {
  if ('respond' in args && typeof args.respond === 'function') {
    await args.respond({ response_type: 'ephemeral', replace_original: false, ...message });
    return;
  }
  const user = where.user as string;
  if (where.channel) {
    await args.client.chat.postEphemeral({ channel: where.channel, user, ...message });
    return;
  }
  await args.client.chat.postMessage({ channel: user, ...message });
}

/**
 * The shapes of what Slack delivers, as far as Bolt's routing and our listeners read them. A delivery that
 * does not have them is refused at the door (400) rather than failing inside a listener. Objects stay loose:
 * Slack adds fields, and only the ones read here are required.
 * Shapes: docs.slack.dev/reference/interaction-payloads, the Events API `event_callback` wrapper.
 */
import { z } from 'zod';

const id = z.string().min(1);
const userRef = z.looseObject({ id });

/** Our modals keep their context as a JSON object in private_metadata (views/forms.ts, views/alert-thread.ts). */
const privateMetadata = z.string().refine((text) => {
  if (text === '') return true;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}, 'is not a JSON object');

const view = z.looseObject({
  id,
  hash: id,
  callback_id: z.string(),
  private_metadata: privateMetadata,
  state: z.looseObject({
    values: z.record(z.string(), z.record(z.string(), z.looseObject({ type: id }))),
  }),
});

export const slashCommandShape = z.looseObject({
  command: z.string().startsWith('/'),
  text: z.string(),
  team_id: id,
  user_id: id,
  channel_id: id,
  trigger_id: id,
});

/** Interaction payloads (`payload=<json>`) by their `type`; the types this app does not handle are refused. */
export const interactionShapes = {
  block_actions: z.looseObject({
    user: userRef,
    trigger_id: id,
    actions: z.array(z.looseObject({ type: id, action_id: id, action_ts: id })).min(1),
  }),
  view_submission: z.looseObject({ user: userRef, view }),
  view_closed: z.looseObject({ user: userRef, view }),
  shortcut: z.looseObject({ user: userRef, callback_id: id, trigger_id: id }),
  message_action: z.looseObject({ user: userRef, callback_id: id, trigger_id: id }),
} as const;

/** Events the listeners read fields of; any other event needs only its `type`. */
export const eventShapes: Record<string, z.ZodType> = {
  reaction_added: z.looseObject({
    user: id,
    reaction: id,
    item: z
      .looseObject({ type: id, channel: z.string().optional(), ts: z.string().optional() })
      .refine(
        (item) => item.type !== 'message' || (item.channel && item.ts),
        'a message item needs channel and ts',
      ),
  }),
  app_mention: z.looseObject({ channel: id, text: z.string(), ts: id }),
  app_home_opened: z.looseObject({ user: id, tab: z.string() }),
};

export const eventCallbackShape = z.looseObject({
  type: z.literal('event_callback'),
  event_id: id,
  team_id: id,
  event: z.looseObject({ type: id }),
});

export const urlVerificationShape = z.looseObject({ type: z.literal('url_verification'), challenge: id });

/**
 * Payloads Slack sends to the app, built from what the emulated workspace holds, with what Slack does
 * with the app's answer. Shapes: docs.slack.dev/reference/interaction-payloads and the Events API
 * `event_callback` wrapper (shared/slack/slack_common_event_wrapper_schema.json, with `authorizations`).
 */
import { randomBytes } from 'node:crypto';
import {
  elementState,
  findElement,
  type InputValue,
  initialState,
  inputBlocks,
  isFilled,
} from './slack-blocks.js';
import { slackId } from './slack-ids.js';
import { applyMessageResponse, parseResponseBody } from './slack-responses.js';
import { dmChannelOf, type SlackState } from './slack-state.js';
import type { Outgoing } from './slack-transport.js';
import type { EmulatedUser, Json, StoredMessage, StoredView } from './slack-types.js';
import { parseView, viewPayload } from './slack-views.js';

/** Slack still sends the deprecated verification token; apps must not rely on it. */
const verificationToken = 'deprecated-verification-token';

/** A timestamp in Slack's `seconds.micros` form. */
const slackTs = (): string => (Date.now() / 1000).toFixed(6);

/** `state.values` keyed by block_id, then action_id. */
export type ViewValues = Record<string, Record<string, InputValue>>;

function team(state: SlackState): Json {
  return { id: state.identity.teamId, domain: state.identity.teamDomain };
}

function userRef(state: SlackState, user: EmulatedUser): Json {
  return { id: user.id, username: user.name, name: user.name, team_id: state.identity.teamId };
}

// ---------------------------------------------------------------- slash commands

export function slashCommand(
  state: SlackState,
  emulatorUrl: string,
  args: { text: string; user: string; channel: string; command?: string },
): Outgoing {
  const user = state.user(args.user);
  const channelName = state.channelName(args.channel);
  const origin = { channel: args.channel, user: user.id, messageTs: null };
  const responsePath = state.responseUrls.issue('commands', state.identity.teamId, origin);
  const payload: Record<string, string> = {
    token: verificationToken,
    team_id: state.identity.teamId,
    team_domain: state.identity.teamDomain,
    channel_id: args.channel,
    channel_name: channelName,
    user_id: user.id,
    user_name: user.name,
    command: args.command ?? '/n3r',
    text: args.text,
    api_app_id: state.identity.appId,
    is_enterprise_install: 'false',
    response_url: `${emulatorUrl}${responsePath}`,
    trigger_id: state.triggers.issue(user.id),
  };
  return {
    type: 'slash_commands',
    payload,
    onAnswer: (body) => applyMessageResponse(state, origin, parseResponseBody(body), 'ack'),
  };
}

// ---------------------------------------------------------------- block actions

function buttonIn(blocks: unknown[], actionId: string, where: string): { blockId: string; action: Json } {
  const found = findElement(blocks, actionId);
  if (found?.element.type !== 'button') throw new Error(`emulator: ${where} has no button '${actionId}'`);
  const { element } = found;
  const action: Json = {
    type: 'button',
    block_id: found.blockId,
    action_id: actionId,
    text: element.text,
    ...(element.value === undefined ? {} : { value: element.value }),
    ...(element.style === undefined ? {} : { style: element.style }),
    action_ts: slackTs(),
  };
  return { blockId: found.blockId, action };
}

function messagePayload(
  state: SlackState,
  message: StoredMessage,
  shown: { text: string; blocks: unknown[] },
): Json {
  const fromBot = message.user === state.identity.botUserId;
  return {
    type: 'message',
    user: message.user,
    ...(fromBot ? { bot_id: state.identity.botId, app_id: state.identity.appId } : {}),
    team: state.identity.teamId,
    ts: message.ts,
    text: shown.text,
    blocks: shown.blocks,
    ...(message.threadTs === null ? {} : { thread_ts: message.threadTs }),
  };
}

/**
 * A person clicks a button in a message: `block_actions` with the message, a trigger_id and a response_url.
 * `version` (an index into the message's history, negative from the end) clicks what a client that has not
 * yet redrawn the message still shows: the race of a click with a chat.update.
 */
export function messageButtonClick(
  state: SlackState,
  emulatorUrl: string,
  args: { user: string; channel: string; ts: string; actionId: string; version?: number },
): Outgoing {
  const user = state.user(args.user);
  const message = state.findMessage(args.channel, args.ts);
  if (!message) throw new Error(`emulator: no message ${args.ts} in ${args.channel}`);
  const shown = args.version === undefined ? message : message.history.at(args.version);
  if (!shown) throw new Error(`emulator: message ${args.ts} has no version ${args.version}`);
  const { action } = buttonIn(shown.blocks, args.actionId, `message ${args.ts}`);
  const origin = { channel: message.channel, user: user.id, messageTs: message.ts };
  const responsePath = state.responseUrls.issue('actions', state.identity.teamId, origin);
  return {
    type: 'interactive',
    payload: {
      type: 'block_actions',
      user: userRef(state, user),
      api_app_id: state.identity.appId,
      token: verificationToken,
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: message.channel,
        is_ephemeral: false,
        ...(message.threadTs === null ? {} : { thread_ts: message.threadTs }),
      },
      trigger_id: state.triggers.issue(user.id),
      team: team(state),
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: state.channelName(message.channel) },
      message: messagePayload(state, message, shown),
      state: { values: initialState(shown.blocks) },
      response_url: `${emulatorUrl}${responsePath}`,
      actions: [action],
    },
  };
}

function viewFor(state: SlackState, viewId: string, user: string): StoredView {
  const view = state.views.views.get(viewId);
  if (!view) throw new Error(`emulator: no view ${viewId}`);
  if (view.user !== user) throw new Error(`emulator: view ${viewId} belongs to ${view.user}, not ${user}`);
  if (view.type === 'modal' && !view.open) throw new Error(`emulator: modal ${viewId} is closed`);
  return view;
}

/** A person clicks a button in a modal or their App Home: `block_actions` with the view. */
export function viewButtonClick(
  state: SlackState,
  args: { user: string; viewId: string; actionId: string },
): Outgoing {
  const user = state.user(args.user);
  const view = viewFor(state, args.viewId, user.id);
  const blocks = view.view.blocks as unknown[];
  const { action } = buttonIn(blocks, args.actionId, `view ${view.id}`);
  return {
    type: 'interactive',
    payload: {
      type: 'block_actions',
      user: userRef(state, user),
      api_app_id: state.identity.appId,
      token: verificationToken,
      container: { type: 'view', view_id: view.id },
      trigger_id: state.triggers.issue(user.id, view.id),
      team: team(state),
      enterprise: null,
      is_enterprise_install: false,
      view: viewPayload(view, state.identity, initialState(blocks)),
      actions: [action],
    },
  };
}

// ---------------------------------------------------------------- view submissions

/**
 * The `state.values` Slack sends when a person submits: what they entered into each input block, the
 * initial values elsewhere. Throws where Slack's client would not let them submit (a required input left
 * empty, text outside min/max length) or where `values` names no input of the view: those are test bugs.
 */
function submittedValues(view: StoredView, values: ViewValues): Json {
  const blocks = view.view.blocks as unknown[];
  const inputs = inputBlocks(blocks);
  for (const [blockId, actions] of Object.entries(values)) {
    const input = inputs.find((i) => i.blockId === blockId);
    if (!input) {
      const known = inputs.map((i) => i.blockId).join(', ');
      throw new Error(`emulator: view ${view.id} has no input block '${blockId}' (input blocks: ${known})`);
    }
    for (const actionId of Object.keys(actions)) {
      if (actionId !== input.element.action_id)
        throw new Error(`emulator: input block '${blockId}' has no element '${actionId}'`);
    }
  }
  const state = initialState(blocks);
  for (const { blockId, block, element } of inputs) {
    const actionId = String(element.action_id);
    const where = `${blockId}.${actionId}`;
    const entry = elementState(element, values[blockId]?.[actionId], where);
    if (block.optional !== true && !isFilled(entry)) throw new Error(`emulator: ${where} is required`);
    if (typeof entry.value === 'string') {
      const { min_length: min, max_length: max } = element as { min_length?: number; max_length?: number };
      if ((min !== undefined && entry.value.length < min) || (max !== undefined && entry.value.length > max))
        throw new Error(`emulator: ${where} must be ${min ?? 0} to ${max ?? 3000} characters`);
    }
    state[blockId] = { ...state[blockId], [actionId]: entry };
  }
  return state;
}

/** A person submits a modal: `view_submission`; Slack then applies the app's `response_action`. */
export function viewSubmission(
  state: SlackState,
  args: { user: string; viewId: string; values?: ViewValues },
): Outgoing {
  const user = state.user(args.user);
  const view = viewFor(state, args.viewId, user.id);
  if (view.type !== 'modal' || view.view.submit === undefined)
    throw new Error(`emulator: view ${view.id} has no submit button`);
  const values = submittedValues(view, args.values ?? {});
  return {
    type: 'interactive',
    payload: {
      type: 'view_submission',
      team: team(state),
      user: userRef(state, user),
      api_app_id: state.identity.appId,
      token: verificationToken,
      trigger_id: state.triggers.issue(user.id, view.id),
      view: viewPayload(view, state.identity, values),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    },
    onAnswer: (body) => applyViewResponse(state, view, parseResponseBody(body)),
  };
}

/**
 * What Slack does with the answer to a view_submission (docs.slack.dev, "Modals"): nothing or `{}` closes
 * the view, `errors` keeps it open with messages on input blocks, `update` replaces it, `push` stacks a new
 * one, `clear` closes every view. An answer Slack would refuse is recorded as rejected.
 */
function applyViewResponse(state: SlackState, view: StoredView, response: Json): void {
  const reject = (message: string) =>
    state.reject({ via: 'view_submission', error: 'invalid_response', message });
  switch (response.response_action) {
    case undefined:
      state.views.close(view.id);
      break;
    case 'errors': {
      const inputIds = inputBlocks(view.view.blocks as unknown[]).map((i) => i.blockId);
      const errors = response.errors;
      if (typeof errors !== 'object' || errors === null || Object.keys(errors).length === 0) {
        reject('response_action errors needs a non-empty errors object');
      } else {
        const unknown = Object.keys(errors).filter((id) => !inputIds.includes(id));
        if (unknown.length > 0) reject(`errors name blocks that are not input blocks: ${unknown.join(', ')}`);
      }
      break;
    }
    case 'update':
    case 'push': {
      const parsed = parseView(response.view, ['modal']);
      if (!parsed.ok) {
        reject(parsed.problem.messages.join('; ') || parsed.problem.error);
      } else if (response.response_action === 'update') {
        state.views.update(view, parsed.view);
      } else {
        const pushed = state.views.push(view.user, parsed.view);
        if (typeof pushed === 'string') reject(pushed);
      }
      break;
    }
    case 'clear':
      state.views.clear(view.user);
      break;
    default:
      reject(`unknown response_action '${String(response.response_action)}'`);
  }
  state.notify();
}

// ---------------------------------------------------------------- shortcuts

export function globalShortcut(state: SlackState, args: { user: string; callbackId: string }): Outgoing {
  const user = state.user(args.user);
  return {
    type: 'interactive',
    payload: {
      type: 'shortcut',
      token: verificationToken,
      action_ts: slackTs(),
      team: team(state),
      user: { id: user.id, username: user.name, team_id: state.identity.teamId },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: args.callbackId,
      trigger_id: state.triggers.issue(user.id),
    },
  };
}

// ---------------------------------------------------------------- events

/** The Events API `event_callback` wrapper; its event_id stays the same on every retry. */
function eventCallback(state: SlackState, event: Json): Outgoing {
  const { identity } = state;
  return {
    type: 'events_api',
    payload: {
      token: verificationToken,
      team_id: identity.teamId,
      context_team_id: identity.teamId,
      context_enterprise_id: null,
      api_app_id: identity.appId,
      event,
      type: 'event_callback',
      event_id: slackId('Ev'),
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: identity.teamId,
          user_id: identity.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${randomBytes(24).toString('base64url')}`,
    },
  };
}

export function appHomeOpened(state: SlackState, args: { user: string }): Outgoing {
  const user = state.user(args.user);
  const home = state.views.homeOf(user.id);
  return eventCallback(state, {
    type: 'app_home_opened',
    user: user.id,
    channel: dmChannelOf(user.id),
    tab: 'home',
    event_ts: slackTs(),
    ...(home ? { view: viewPayload(home, state.identity) } : {}),
  });
}

/** A person adds a reaction to a message; the message keeps it, and the app gets `reaction_added`. */
export function reactionAdded(
  state: SlackState,
  args: { user: string; channel: string; ts: string; reaction: string },
): Outgoing {
  const user = state.user(args.user);
  const message = state.findMessage(args.channel, args.ts);
  if (!message) throw new Error(`emulator: no message ${args.ts} in ${args.channel}`);
  const name = args.reaction.replace(/^:|:$/g, '');
  let reaction = message.reactions.find((r) => r.name === name);
  if (!reaction) {
    reaction = { name, users: [], count: 0 };
    message.reactions.push(reaction);
  }
  if (reaction.users.includes(user.id)) throw new Error(`emulator: ${user.id} already reacted :${name}:`);
  reaction.users.push(user.id);
  reaction.count++;
  state.notify();
  return eventCallback(state, {
    type: 'reaction_added',
    user: user.id,
    reaction: name,
    item_user: message.user,
    item: { type: 'message', channel: message.channel, ts: message.ts },
    event_ts: slackTs(),
  });
}

/** A person mentions the app in a channel: the message is posted, and the app gets `app_mention`. */
export function appMention(
  state: SlackState,
  args: { user: string; channel: string; text: string; threadTs?: string },
): { outgoing: Outgoing; message: StoredMessage } {
  const user = state.user(args.user);
  state.channelName(args.channel);
  const mention = `<@${state.identity.botUserId}>`;
  const text = args.text.includes(mention) ? args.text : `${mention} ${args.text}`;
  const message = state.post(args.channel, args.threadTs ?? null, user.id, text, []);
  const outgoing = eventCallback(state, {
    type: 'app_mention',
    user: user.id,
    text,
    ts: message.ts,
    team: state.identity.teamId,
    channel: args.channel,
    event_ts: message.ts,
    ...(args.threadTs === undefined ? {} : { thread_ts: args.threadTs }),
  });
  return { outgoing, message };
}

/** Slack's check of a new Request URL (HTTP only): the app must echo the challenge. */
export function urlVerification(): Json {
  return {
    token: verificationToken,
    challenge: randomBytes(24).toString('base64url'),
    type: 'url_verification',
  };
}

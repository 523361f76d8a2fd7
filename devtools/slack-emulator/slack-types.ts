/** The shapes the Slack emulator keeps and hands to tests. */

export type Json = Record<string, unknown>;

export interface EmulatedUser {
  id: string;
  name: string;
  email: string;
}

export interface EmulatedWorkspace {
  teamId: string;
  users: EmulatedUser[];
  /** Public channels, and private ones (`private: true`) whose history needs `groups:history`. */
  channels: { id: string; name: string; private?: boolean }[];
  usergroups: { id: string; handle: string; users: string[] }[];
}

/** One Web API call the app made, as Slack answered it. */
export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  response: Record<string, unknown>;
  /** HTTP status: 200, or 429 when rate-limited. */
  status: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs: string | null;
  /** Who posted it: the bot's user id for the app's messages. */
  user: string;
  text: string;
  /** The blocks as Slack keeps them: every block has a block_id, every element an action_id. */
  blocks: unknown[];
  /** The app's message metadata (chat.postMessage `metadata`), shown to apps that ask with include_all_metadata. */
  metadata: MessageMetadata | null;
  /** Every version of the message, oldest first (chat.update and replace_original append). */
  history: { text: string; blocks: unknown[] }[];
  reactions: { name: string; users: string[]; count: number }[];
}

/** Slack message metadata: what an app attached to its message for apps to read, never shown to people. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  /** chat.postEphemeral, the ack body of a command, or a response_url post. */
  via: 'chat.postEphemeral' | 'ack' | 'response_url';
}

/** A modal or App Home view as Slack keeps it. */
export interface StoredView {
  id: string;
  type: 'modal' | 'home';
  /** The person who sees it. */
  user: string;
  callbackId: string;
  externalId: string;
  privateMetadata: string;
  hash: string;
  rootViewId: string;
  previousViewId: string | null;
  /** The view as the app last sent it, normalised as Slack does (block_id and action_id filled in). */
  view: Json;
  /** Every version the app sent, oldest first. */
  history: Json[];
  /** A modal is open until it is submitted with an empty answer, cleared, or replaced by views.open. */
  open: boolean;
}

/** What the app answered to a delivery. Over Socket Mode: 200 and the ack's payload as JSON, or 0 with no ack. */
export interface Delivery {
  status: number;
  body: string;
  /** Pass to `redeliver` to send the same delivery again as Slack's retries do. */
  deliveryId: string;
  /** The trigger_id the payload carried, when it had one. */
  triggerId?: string;
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** One attempt to deliver something to the app. */
export interface DeliveryRecord {
  deliveryId: string;
  type: EnvelopeType;
  transport: 'http' | 'socket';
  /** 0 for the first attempt, then the retry number. */
  retryNum: number;
  retryReason: string;
  payload: Json;
  status: number;
  body: string;
  elapsedMs: number;
}

/** A response from the app that Slack would have refused, with Slack's reason. */
export interface RejectedResponse {
  via: 'ack' | 'response_url' | 'view_submission';
  error: string;
  message: string;
}

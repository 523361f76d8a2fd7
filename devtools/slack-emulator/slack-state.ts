import { withSlackIds } from './slack-blocks.js';
import { Clock } from './slack-clock.js';
import { SlackFiles } from './slack-files.js';
import { ResponseUrlRegistry, TriggerRegistry } from './slack-triggers.js';
import type {
  EmulatedUser,
  EmulatedWorkspace,
  EphemeralMessage,
  MessageMetadata,
  RejectedResponse,
  StoredMessage,
} from './slack-types.js';
import { type Identity, ViewStore } from './slack-views.js';

/** The app's direct-message channel with a person. */
export function dmChannelOf(userId: string): string {
  return `D${userId.slice(1)}`;
}

/** Who the app is in the emulated workspace (auth.test answers with these). */
export interface AppIdentity extends Identity {
  teamDomain: string;
  botUserId: string;
}

/** What the workspace holds: messages, ephemerals, views, and the trigger_ids and response_urls handed out. */
export class SlackState {
  readonly clock = new Clock();
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly rejected: RejectedResponse[] = [];
  readonly views = new ViewStore(this.clock);
  readonly triggers = new TriggerRegistry(this.clock);
  readonly responseUrls = new ResponseUrlRegistry(this.clock);
  readonly files = new SlackFiles();
  #tsCounter = 0;

  constructor(
    readonly workspace: EmulatedWorkspace,
    readonly identity: AppIdentity,
    /** Called after every change, so `waitFor` re-checks. */
    readonly notify: () => void,
  ) {}

  user(id: string): EmulatedUser {
    const user = this.workspace.users.find((u) => u.id === id);
    if (!user) throw new Error(`emulator: unknown user ${id}`);
    return user;
  }

  channel(id: string): { id: string; name: string } {
    const channel = this.workspace.channels.find((c) => c.id === id);
    if (!channel) throw new Error(`emulator: unknown channel ${id}`);
    return channel;
  }

  /** A channel's name; `directmessage` for the app's direct message with a person (`D…`). */
  channelName(id: string): string {
    const channel = this.workspace.channels.find((c) => c.id === id);
    if (channel) return channel.name;
    if (this.workspace.users.some((u) => dmChannelOf(u.id) === id)) return 'directmessage';
    throw new Error(`emulator: unknown channel ${id}`);
  }

  /** A message ts: Unix seconds and a counter, unique in the workspace. */
  nextTs(): string {
    this.#tsCounter++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.#tsCounter).padStart(6, '0')}`;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  post(
    channel: string,
    threadTs: string | null,
    user: string,
    text: string,
    blocks: unknown[],
    metadata: MessageMetadata | null = null,
  ): StoredMessage {
    const stored = withSlackIds(blocks);
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      threadTs,
      user,
      text,
      blocks: stored,
      metadata,
      history: [{ text, blocks: stored }],
      reactions: [],
    };
    this.messages.push(message);
    this.notify();
    return message;
  }

  update(
    message: StoredMessage,
    text: string,
    blocks: unknown[],
    metadata: MessageMetadata | null = message.metadata,
  ): void {
    message.text = text;
    message.metadata = metadata;
    message.blocks = withSlackIds(blocks);
    message.history.push({ text: message.text, blocks: message.blocks });
    this.notify();
  }

  remove(message: StoredMessage): void {
    const at = this.messages.indexOf(message);
    if (at >= 0) this.messages.splice(at, 1);
    this.notify();
  }

  ephemeral(message: EphemeralMessage): void {
    this.ephemerals.push(message);
    this.notify();
  }

  reject(rejected: RejectedResponse): void {
    this.rejected.push(rejected);
    this.notify();
  }
}

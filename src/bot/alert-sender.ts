import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import {
  type AlertGroup,
  type GroupChanges,
  hasChanges,
  markTold,
  needsWork,
  untoldChanges,
} from '../alerts/alert-group.js';
import type { MessageRef } from '../core/request.js';
import type { Logger } from '../logger.js';
import type { RedisAlertStore } from '../store/redis-alert-store.js';
import { postMessage } from './post-message.js';
import { alertDigest, alertParent, alertReply } from './views/alert-thread.js';
import type { SlackMessage } from './views/primitives.js';

export interface AlertSenderOptions {
  /** Pause between two messages to one channel. @defaultValue 1100 (Slack: about 1 per second per channel) */
  intervalMs: number;
  /** Waiting groups in a channel beyond which their changes go out as digests. @defaultValue 5 */
  digestAfter: number;
  /** Pause between two parent redraws (chat.update is Tier 3: 50 a minute per workspace). @defaultValue 1200 */
  updateIntervalMs?: number;
  /** How often an idle channel is looked at. @defaultValue 200 */
  idlePollMs?: number;
  now?: () => Date;
}

/** Groups one digest looks at; it names as many of their alerts as fit in one message. */
const digestScan = 60;

/**
 * Sends what alert groups owe Slack, channel by channel: one sender per channel at a time across all bot
 * processes (a lease in Redis), at most one message per `intervalMs` per channel (a send slot in Redis), so
 * a storm never meets Slack's rate limit. A channel that falls behind gets digests that name many groups'
 * changes in one message; every group still gets its own thread, posted as the channel catches up.
 */
export class AlertSender {
  readonly #holder = randomUUID();
  readonly #stopping = new AbortController();
  readonly #loops: Promise<void>[] = [];
  readonly #now: () => Date;

  constructor(
    private readonly client: WebClient,
    private readonly store: RedisAlertStore,
    private readonly channels: readonly string[],
    private readonly options: AlertSenderOptions,
    private readonly log: Logger,
  ) {
    this.#now = options.now ?? (() => new Date());
  }

  start(): void {
    for (const channel of this.channels) this.#loops.push(this.loop(channel));
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.all(this.#loops);
    await Promise.all(this.channels.map((c) => this.store.releaseSenderLease(c, this.#holder)));
  }

  private async loop(channel: string): Promise<void> {
    const signal = this.#stopping.signal;
    const leaseMs = Math.max(10_000, this.options.intervalMs * 5);
    while (!signal.aborted) {
      let pause = this.options.idlePollMs ?? 200;
      try {
        if (!(await this.store.holdSenderLease(channel, this.#holder, leaseMs))) pause = 1_000;
        else if ((await this.store.pendingCount(channel)) > 0 && (await this.sendOne(channel)) !== 'idle')
          pause = 0;
      } catch (error) {
        this.log.warn({ err: error, channel }, 'alert message not sent; trying again');
        pause = this.options.intervalMs;
      }
      if (pause > 0) await sleep(pause, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * Sends the next message the channel owes (a digest, a parent, a reply or a redraw): `sent`; `settled`
   * when the oldest group owed nothing after all; `idle` when there is nothing this process can send now.
   */
  private async sendOne(channel: string): Promise<'sent' | 'settled' | 'idle'> {
    const waiting = await this.store.pendingCount(channel);
    if (waiting > this.options.digestAfter && (await this.sendDigest(channel, waiting))) return 'sent';
    const [id] = await this.store.pending(channel, 1);
    if (!id) return 'idle';
    const stored = await this.store.get(id);
    if (!stored) {
      await this.store.settle(channel, id, 0);
      return 'settled';
    }
    const { group } = stored;
    if (!needsWork(group)) {
      await this.store.settle(channel, id, stored.version);
      return 'settled';
    }
    if (group.thread === null) {
      if (!(await this.postParent(group))) return 'idle';
    } else {
      const changes = untoldChanges(group);
      if (hasChanges(changes)) await this.postReply(group, group.thread, changes);
      else await this.redraw(group, group.thread);
    }
    const after = await this.store.get(id);
    if (after && !needsWork(after.group)) await this.store.settle(channel, id, after.version);
    return 'sent';
  }

  private async sendDigest(channel: string, waiting: number): Promise<boolean> {
    const ids = await this.store.pending(channel, digestScan);
    const items: { group: AlertGroup; changes: GroupChanges }[] = [];
    for (const id of ids) {
      const stored = await this.store.get(id);
      if (!stored) continue;
      const changes = untoldChanges(stored.group);
      if (hasChanges(changes)) items.push({ group: stored.group, changes });
    }
    if (items.length === 0) return false;
    const { message, named } = alertDigest(items, waiting);
    await this.post(channel, message);
    for (const [id, alerts] of named) await this.store.change(id, (g) => (g ? markTold(g, alerts) : null));
    this.log.info({ channel, groups: named.size, waiting }, 'alert digest sent');
    return true;
  }

  /** False when another process holds the claim to post it. */
  private async postParent(group: AlertGroup): Promise<boolean> {
    // Two processes may both find the group without a thread; only the claimant posts.
    if (!(await this.store.claimThread(group.id, this.#holder, 120))) return false;
    const { message, named } = alertParent(group, this.#now());
    const thread = await this.post(group.route.channel, message);
    await this.store.change(group.id, (g) =>
      g ? { ...markTold(g, named), thread, drawn: Math.max(g.drawn, group.revision) } : null,
    );
    this.log.info({ groupId: group.id, channel: thread.channel, ts: thread.ts }, 'alert thread started');
    return true;
  }

  private async postReply(group: AlertGroup, thread: MessageRef, changes: GroupChanges): Promise<void> {
    const { message, named } = alertReply(group, changes);
    await this.post(thread.channel, message, thread.ts);
    await this.store.change(group.id, (g) => (g ? markTold(g, named) : null));
  }

  private async redraw(group: AlertGroup, thread: MessageRef): Promise<void> {
    const { message } = alertParent(group, this.#now());
    await this.waitForSlot('workspace:chat.update', this.options.updateIntervalMs ?? 1_200);
    await this.client.chat.update({ channel: thread.channel, ts: thread.ts, ...message });
    await this.store.change(group.id, (g) => (g ? { ...g, drawn: Math.max(g.drawn, group.revision) } : null));
  }

  /** Waits for the channel's send slot and takes it: the pace holds across processes and hand-overs. */
  private async waitForSlot(channel: string, intervalMs = this.options.intervalMs): Promise<void> {
    for (;;) {
      const wait = await this.store.takeSendSlot(channel, intervalMs);
      if (wait === 0) return;
      await sleep(wait);
    }
  }

  private async post(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef> {
    await this.waitForSlot(channel);
    return postMessage(this.client, channel, message, threadTs);
  }
}

import type { Redis } from 'ioredis';
import type { AlertGroup } from '../alerts/alert-group.js';
import type { AlertGroupFacts } from '../core/ports.js';
import { AppError } from '../errors.js';

// Writes a group's JSON when its version is still the one read (0: the group must not exist yet).
// KEYS: group hash. ARGV: expected version, new JSON.
const compareAndSetScript = `
local version = redis.call('HGET', KEYS[1], 'version')
if (version or '0') ~= ARGV[1] then return 0 end
local next = tonumber(ARGV[1]) + 1
redis.call('HSET', KEYS[1], 'version', next, 'json', ARGV[2])
return next
`;

// Takes a group off its channel's pending set only if nobody changed it since it was found settled.
// KEYS: group hash, pending set. ARGV: version, group id.
const settleScript = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
return redis.call('ZREM', KEYS[2], ARGV[2])
`;

// Takes or renews a lease held by ARGV[1] for ARGV[2] ms.
const leaseScript = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

export interface StoredGroup {
  group: AlertGroup;
  version: number;
}

/**
 * Alert groups and their Slack threads in Redis: one hash per group (JSON and a version for compare-and-set),
 * a sorted set per channel of the groups that still owe Slack a message (oldest first), the per-channel
 * sender lease and send slot, and the claim that makes exactly one sender post a group's parent message.
 */
export class RedisAlertStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private groupKey(id: string): string {
    return `${this.prefix}:alert-group:${id}`;
  }

  private pendingKey(channel: string): string {
    return `${this.prefix}:alert-pending:${channel}`;
  }

  async get(id: string): Promise<StoredGroup | null> {
    const [version = null, raw = null] = await this.redis.hmget(this.groupKey(id), 'version', 'json');
    if (version === null || raw === null) return null;
    return { group: JSON.parse(raw) as AlertGroup, version: Number(version) };
  }

  /**
   * Creates or changes a group atomically: `change` sees the current group (null when new) and returns the
   * next one, or null to leave it. Retried when someone else wrote meanwhile. Returns what was stored, or
   * null when nothing changed.
   */
  async change(
    id: string,
    change: (group: AlertGroup | null) => AlertGroup | null,
  ): Promise<StoredGroup | null> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await this.get(id);
      const next = change(current?.group ?? null);
      if (next === null) return null;
      const written = Number(
        await this.redis.eval(
          compareAndSetScript,
          1,
          this.groupKey(id),
          String(current?.version ?? 0),
          JSON.stringify(next),
        ),
      );
      if (written > 0) return { group: next, version: written };
    }
    throw new AppError('CONFLICT', `alert group ${id} kept changing under concurrent writers`, {
      retryable: true,
    });
  }

  /** What the policy sees of a group (`input.context.alert_group`); `exists: false` when it is unknown. */
  async facts(id: string): Promise<AlertGroupFacts> {
    const group = (await this.get(id))?.group;
    if (!group) return { exists: false, cluster: null, team: null, ackedBy: [], silences: [] };
    return {
      exists: true,
      cluster: group.route.cluster,
      team: group.route.team,
      ackedBy: group.acks.map((a) => a.slackId),
      silences: group.silences.map((s) => ({
        id: s.id,
        createdBy: s.slackId,
        expiredBy: s.expiredBy ?? null,
      })),
    };
  }

  /** Remembers which group a silence was made from, so `/n3r alert unsilence <id>` finds it. */
  async indexSilence(silenceId: string, groupId: string): Promise<void> {
    await this.redis.set(this.silenceKey(silenceId), groupId);
  }

  /** The group a silence was made from, when it was made from one. */
  async groupOfSilence(silenceId: string): Promise<string | null> {
    return this.redis.get(this.silenceKey(silenceId));
  }

  private silenceKey(silenceId: string): string {
    return `${this.prefix}:alert-silence:${silenceId}`;
  }

  /** Puts a group in its channel's queue; its place (the time it first waited) is kept if it is there. */
  async markPending(channel: string, id: string, at: number): Promise<void> {
    await this.redis.zadd(this.pendingKey(channel), 'NX', at, id);
  }

  /** The oldest waiting groups of a channel. */
  async pending(channel: string, limit: number): Promise<string[]> {
    return this.redis.zrange(this.pendingKey(channel), 0, limit - 1);
  }

  async pendingCount(channel: string): Promise<number> {
    return this.redis.zcard(this.pendingKey(channel));
  }

  /** Removes a group from the queue if it is still at `version` (owes nothing); false if it changed since. */
  async settle(channel: string, id: string, version: number): Promise<boolean> {
    const removed = await this.redis.eval(
      settleScript,
      2,
      this.groupKey(id),
      this.pendingKey(channel),
      String(version),
      id,
    );
    return removed === 1;
  }

  /** True for the one caller that may post the group's parent message (until `ttlSeconds` pass). */
  async claimThread(id: string, holder: string, ttlSeconds: number): Promise<boolean> {
    const set = await this.redis.set(
      `${this.prefix}:alert-thread-claim:${id}`,
      holder,
      'EX',
      ttlSeconds,
      'NX',
    );
    return set === 'OK';
  }

  /** Takes or renews the channel's sender lease: one process sends to a channel at a time. */
  async holdSenderLease(channel: string, holder: string, ttlMs: number): Promise<boolean> {
    const held = await this.redis.eval(
      leaseScript,
      1,
      `${this.prefix}:alert-sender:${channel}`,
      holder,
      String(ttlMs),
    );
    return held === 1;
  }

  /** Gives the lease up (on shutdown), so another process takes the channel over at once. */
  async releaseSenderLease(channel: string, holder: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      `${this.prefix}:alert-sender:${channel}`,
      holder,
    );
  }

  /**
   * The channel's send slot: 0 when the caller may send now (the slot is then taken for `intervalMs`), else
   * how many ms to wait. Kept in Redis so the pace holds across processes and lease hand-overs.
   */
  async takeSendSlot(channel: string, intervalMs: number): Promise<number> {
    const key = `${this.prefix}:alert-send-slot:${channel}`;
    if ((await this.redis.set(key, '1', 'PX', intervalMs, 'NX')) === 'OK') return 0;
    return Math.max(1, await this.redis.pttl(key));
  }
}

import type { Redis } from 'ioredis';
import type { CreateOutcome, RecordChange, RequestStore } from '../core/ports.js';
import type {
  AuditEntry,
  AuditEvent,
  MessageLink,
  MessageRef,
  RequestRecord,
  RequestState,
} from '../core/request.js';
import { terminalStates } from '../core/request.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

// Compare-and-set on a record's version; appends the audit entry and keeps the index of open requests in
// the same atomic step.
// KEYS: record hash, audit stream, open index. ARGV: expected version, new JSON, '1' when the request is
// open (not settled), its score (last change, ms), its id, then audit field/value pairs (may be none).
const compareAndSetScript = `
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return -1 end
if version ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', tonumber(version) + 1, 'json', ARGV[2])
if ARGV[3] == '1' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5]) else redis.call('ZREM', KEYS[3], ARGV[5]) end
if #ARGV > 5 then return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 6)) end
return 1
`;

/** How long a delivery's marker (done, or the request it led to) outlives it: Slack retries within minutes. */
const deliveryWindowSeconds = 3600;
/** How long an attempt holds a delivery before a redelivery may take it over: under Slack's 1-minute retry. */
const deliveryLeaseSeconds = 30;

// Creates a record only when its id is free, with its first audit entry, its place in the requester's list
// and in the index of open requests. With a fifth key (the Slack delivery's marker), only when that delivery
// has led to no request yet, and the marker then names this one: the request and "this delivery is handled"
// are stored together or not at all.
// KEYS: record hash, audit stream, requester index, open index[, delivery marker]. ARGV: JSON, score, id,
// then audit pairs.
const createScript = `
if KEYS[5] then
  local led = redis.call('GET', KEYS[5])
  if led and string.sub(led, 1, 8) == 'request:' then return -1 end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', 1, 'json', ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
if KEYS[5] then redis.call('SET', KEYS[5], 'request:' .. ARGV[3], 'EX', ${deliveryWindowSeconds}) end
return 1
`;

// Marks a delivery done unless it led to a request (that marker stays).
// KEYS: delivery marker.
const finishDeliveryScript = `
local led = redis.call('GET', KEYS[1])
if led and string.sub(led, 1, 8) == 'request:' then return 0 end
redis.call('SET', KEYS[1], 'done', 'EX', ${deliveryWindowSeconds})
return 1
`;

/**
 * Request records in Redis: one hash per request holding the JSON record and a version. Every change is a
 * compare-and-set on the version, and its audit entry is appended to the request's stream in the same
 * script, so a record and its trail never disagree and concurrent writers never lose an update.
 */
export class RedisRequestStore implements RequestStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log?: Logger,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:request:${id}`;
  }

  /** The audit stream of one request; entries are appended, never changed. */
  auditKey(id: string): string {
    return `${this.prefix}:audit:${id}`;
  }

  private requesterKey(slackId: string): string {
    return `${this.prefix}:by-requester:${slackId}`;
  }

  /** Requests not settled yet (waiting, queued, running), by the time of their last change. */
  private openKey(): string {
    return `${this.prefix}:requests:open`;
  }

  async create(record: RequestRecord, audit: AuditEvent, deliveryKey?: string): Promise<CreateOutcome> {
    const keys = [
      this.key(record.id),
      this.auditKey(record.id),
      this.requesterKey(record.requester.slackId),
      this.openKey(),
    ];
    if (deliveryKey) keys.push(this.deliveryKey(deliveryKey));
    const created = await this.redis.eval(
      createScript,
      keys.length,
      ...keys,
      JSON.stringify(record),
      Date.parse(record.createdAt),
      record.id,
      ...auditFields(record, audit),
    );
    if (created === 1) this.logAudit(record, audit);
    return created === 1 ? 'created' : created === -1 ? 'redelivered' : 'id-taken';
  }

  async get(id: string): Promise<RequestRecord | null> {
    const raw = await this.redis.hget(this.key(id), 'json');
    return raw === null ? null : (JSON.parse(raw) as RequestRecord);
  }

  async transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: Partial<RequestRecord> = {},
    audit?: AuditEvent,
  ): Promise<RequestRecord | null> {
    return this.update(id, (record) =>
      from.includes(record.state)
        ? { record: { ...record, ...patch, state: to }, audit: audit ?? { event: to, actor: 'n3r' } }
        : null,
    );
  }

  async update(
    id: string,
    change: (record: RequestRecord) => RecordChange | null,
  ): Promise<RequestRecord | null> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const [version = null, raw = null] = await this.redis.hmget(this.key(id), 'version', 'json');
      if (version === null || raw === null) return null;
      const changed = change(JSON.parse(raw) as RequestRecord);
      if (changed === null) return null;
      const after = { ...changed.record, updatedAt: new Date().toISOString() };
      const outcome = await this.redis.eval(
        compareAndSetScript,
        3,
        this.key(id),
        this.auditKey(id),
        this.openKey(),
        version,
        JSON.stringify(after),
        terminalStates.has(after.state) ? '0' : '1',
        Date.parse(after.updatedAt),
        after.id,
        ...(changed.audit ? auditFields(after, changed.audit) : []),
      );
      if (outcome === -1) return null;
      if (outcome !== 0) {
        if (changed.audit) this.logAudit(after, changed.audit);
        return after;
      }
    }
    throw new AppError('CONFLICT', `request ${id} kept changing under concurrent updates`, {
      retryable: true,
    });
  }

  async auditTrail(id: string): Promise<AuditEntry[]> {
    const entries = await this.redis.xrange(this.auditKey(id), '-', '+');
    return entries.map(([entryId, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
      const detail = Object.fromEntries(
        [...map].filter(([k]) => k.startsWith('d.')).map(([k, v]) => [k.slice(2), v]),
      );
      return {
        id: entryId,
        event: map.get('event') ?? '',
        actor: map.get('actor') ?? '',
        state: (map.get('state') ?? 'queued') as RequestState,
        revision: map.get('revision') ?? '',
        at: map.get('at') ?? '',
        ...(Object.keys(detail).length > 0 ? { detail } : {}),
      };
    });
  }

  async linkMessage(ref: MessageRef, link: MessageLink): Promise<void> {
    await this.redis.set(this.messageKey(ref), `${link.requestId} ${link.requestHash}`, 'EX', 90 * 24 * 3600);
  }

  async requestAt(ref: MessageRef): Promise<MessageLink | null> {
    const value = await this.redis.get(this.messageKey(ref));
    const [requestId, requestHash] = value?.split(' ') ?? [];
    return requestId && requestHash ? { requestId, requestHash } : null;
  }

  async firstDelivery(key: string, leaseSeconds = deliveryLeaseSeconds): Promise<boolean> {
    return (await this.redis.set(this.deliveryKey(key), 'pending', 'EX', leaseSeconds, 'NX')) === 'OK';
  }

  async finishDelivery(key: string): Promise<void> {
    await this.redis.eval(finishDeliveryScript, 1, this.deliveryKey(key));
  }

  /** A Slack delivery's marker: `pending` while an attempt holds it, then `done` or `request:<id>`. */
  private deliveryKey(key: string): string {
    return `${this.prefix}:delivery:${key}`;
  }

  private messageKey(ref: MessageRef): string {
    return `${this.prefix}:message:${ref.channel}:${ref.ts}`;
  }

  async openSince(before: Date, limit: number): Promise<RequestRecord[]> {
    const ids = await this.redis.zrangebyscore(this.openKey(), '-inf', before.getTime(), 'LIMIT', 0, limit);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is RequestRecord => r !== null && !terminalStates.has(r.state));
  }

  async recentByRequester(slackId: string, limit: number): Promise<RequestRecord[]> {
    const ids = await this.redis.zrevrange(this.requesterKey(slackId), 0, limit - 1);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is RequestRecord => r !== null);
  }

  private logAudit(record: RequestRecord, audit: AuditEvent): void {
    this.log?.info(
      {
        audit: true,
        requestId: record.id,
        kind: record.kind,
        cluster: record.cluster.name,
        state: record.state,
        ...audit,
      },
      `audit ${audit.event}`,
    );
  }
}

function auditFields(record: RequestRecord, audit: AuditEvent): string[] {
  const fields = [
    'event',
    audit.event,
    'actor',
    audit.actor,
    'state',
    record.state,
    'kind',
    record.kind,
    'cluster',
    record.cluster.name,
    'requester',
    record.requester.slackId,
    'revision',
    record.decision.revision,
    'at',
    new Date().toISOString(),
  ];
  for (const [key, value] of Object.entries(audit.detail ?? {})) fields.push(`d.${key}`, value);
  return fields;
}

import type { Redis } from 'ioredis';
import type { RequestStore } from '../core/ports.js';
import type { MessageRef, RequestRecord, RequestState } from '../core/request.js';

type Patch = Partial<Pick<RequestRecord, 'result' | 'error' | 'decision'>>;

// Compare-and-set on a record's version; appends the audit entry in the same atomic step.
// KEYS: record hash, audit stream. ARGV: expected version, new JSON, then audit field/value pairs (may be none).
const compareAndSetScript = `
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return -1 end
if version ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', tonumber(version) + 1, 'json', ARGV[2])
if #ARGV > 2 then redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3)) end
return 1
`;

// Creates a record only when its id is free, with its first audit entry.
const createScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', 1, 'json', ARGV[1])
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
return 1
`;

/**
 * Request records in Redis: one hash per request holding the JSON record and a version. Every change is a
 * compare-and-set on the version, and every state change appends to the request's audit stream in the
 * same script, so a record and its trail never disagree and concurrent writers never lose an update.
 */
export class RedisRequestStore implements RequestStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private key(id: string): string {
    return `${this.prefix}:request:${id}`;
  }

  /** The audit stream of one request; entries are appended, never changed. */
  auditKey(id: string): string {
    return `${this.prefix}:audit:${id}`;
  }

  async create(record: RequestRecord): Promise<boolean> {
    const created = await this.redis.eval(
      createScript,
      2,
      this.key(record.id),
      this.auditKey(record.id),
      JSON.stringify(record),
      ...auditFields(record),
    );
    return created === 1;
  }

  async get(id: string): Promise<RequestRecord | null> {
    const raw = await this.redis.hget(this.key(id), 'json');
    return raw === null ? null : (JSON.parse(raw) as RequestRecord);
  }

  async transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: Patch = {},
  ): Promise<RequestRecord | null> {
    return this.update(id, (record) =>
      from.includes(record.state)
        ? { ...record, ...patch, state: to, updatedAt: this.now().toISOString() }
        : null,
    );
  }

  async setCard(id: string, card: MessageRef): Promise<void> {
    await this.update(id, (record) => ({ ...record, card }));
  }

  private async update(
    id: string,
    change: (record: RequestRecord) => RequestRecord | null,
  ): Promise<RequestRecord | null> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const [version = null, raw = null] = await this.redis.hmget(this.key(id), 'version', 'json');
      if (version === null || raw === null) return null;
      const before = JSON.parse(raw) as RequestRecord;
      const after = change(before);
      if (after === null) return null;
      const audit = after.state === before.state ? [] : auditFields(after);
      const outcome = await this.redis.eval(
        compareAndSetScript,
        2,
        this.key(id),
        this.auditKey(id),
        version,
        JSON.stringify(after),
        ...audit,
      );
      if (outcome === 1) return after;
      if (outcome === -1) return null;
    }
    throw new Error(`request ${id} kept changing under concurrent updates`);
  }
}

function auditFields(record: RequestRecord): string[] {
  return [
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
    record.updatedAt,
  ];
}

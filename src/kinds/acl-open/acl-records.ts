import type { Redis } from 'ioredis';

/** One end of an inter-cluster ACL. */
export interface AclEndpoint {
  cluster: string;
  namespace: string;
}

/**
 * An ACL as recorded centrally: what was opened, the object that opened it, and until when. For an
 * inter-cluster ACL, the source's NAT IP and the target's load-balancer address: what the target side
 * (its load balancer's allow-list) needs to let the source in.
 */
export interface AclRecord {
  requestId: string;
  cluster: string;
  namespace: string;
  direction: 'egress' | 'ingress';
  ports: { protocol: 'TCP' | 'UDP'; port: number }[];
  /** Egress destinations or ingress sources, as CIDRs. */
  cidrs: string[];
  /** Ingress: the fixed address the traffic enters through. */
  via: { kind: 'l4' | 'l7'; address: string } | null;
  interCluster: {
    source: AclEndpoint & { natIp: string };
    target: AclEndpoint & { lbAddress: string };
  } | null;
  /** The CiliumNetworkPolicy that opens it. */
  policy: { cluster: string; namespace: string; name: string };
  createdAt: string;
  expiresAt: string;
}

// The record, the expiry index and (for inter-cluster ACLs) their index change together, or not at all.
// Keeps the first record of a request: a retried job must not move its expiry.
// KEYS: record, expiry index, inter-cluster index. ARGV: request id, JSON, expiry (ms), inter-cluster ('1'/'0').
const putScript = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] == '1' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
return ARGV[2]
`;

/** Central ACL records in Redis: one JSON value per request, and indexes of all ACLs and inter-cluster ones by expiry. */
export class AclRecords {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(requestId: string): string {
    return `${this.prefix}:acl:${requestId}`;
  }

  /** All ACLs, scored by expiry (ms since the epoch). */
  get expiryKey(): string {
    return `${this.prefix}:acls:by-expiry`;
  }

  /** Inter-cluster ACLs, scored by expiry. */
  get interClusterKey(): string {
    return `${this.prefix}:acls:inter-cluster`;
  }

  /** Stores the record unless the request has one; returns the stored record either way. */
  async put(record: AclRecord): Promise<AclRecord> {
    const stored = await this.redis.eval(
      putScript,
      3,
      this.key(record.requestId),
      this.expiryKey,
      this.interClusterKey,
      record.requestId,
      JSON.stringify(record),
      String(Date.parse(record.expiresAt)),
      record.interCluster ? '1' : '0',
    );
    return JSON.parse(String(stored)) as AclRecord;
  }

  async get(requestId: string): Promise<AclRecord | null> {
    const raw = await this.redis.get(this.key(requestId));
    return raw === null ? null : (JSON.parse(raw) as AclRecord);
  }

  /** Removes the record and its index entries; false when there was none. */
  async remove(requestId: string): Promise<boolean> {
    const [[, deleted] = []] =
      (await this.redis
        .multi()
        .del(this.key(requestId))
        .zrem(this.expiryKey, requestId)
        .zrem(this.interClusterKey, requestId)
        .exec()) ?? [];
    return deleted === 1;
  }

  /** Request ids of ACLs whose expiry is at or before `now`, oldest first. */
  async expired(now: Date, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(this.expiryKey, '-inf', now.getTime(), 'LIMIT', 0, limit);
  }

  /** Inter-cluster ACLs that have not expired, e.g. for the target side's allow-lists. */
  async interCluster(now: Date): Promise<AclRecord[]> {
    const ids = await this.redis.zrangebyscore(this.interClusterKey, `(${now.getTime()}`, '+inf');
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is AclRecord => r !== null);
  }
}

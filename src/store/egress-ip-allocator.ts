import type { Redis } from 'ioredis';
import { AppError, ConfigError } from '../errors.js';

/** The assignable addresses of an IPv4 pool, as 32-bit numbers. */
export interface PoolRange {
  first: number;
  last: number;
}

/**
 * The addresses of a pool that may be handed out: all but the network and broadcast addresses, except in
 * a /31 or /32, where every address is a host (RFC 3021).
 */
export function poolRange(cidr: string): PoolRange {
  const [address = '', prefixText = ''] = cidr.split('/');
  const octets = address.split('.').map((o) => (/^\d{1,3}$/.test(o) ? Number(o) : Number.NaN));
  const prefix = /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (
    octets.length !== 4 ||
    octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) ||
    !(prefix >= 0 && prefix <= 32)
  ) {
    throw new ConfigError(`'${cidr}' is not an IPv4 CIDR`);
  }
  const size = 2 ** (32 - prefix);
  const base = ipv4Number(address);
  const network = base - (base % size);
  return prefix >= 31
    ? { first: network, last: network + size - 1 }
    : { first: network + 1, last: network + size - 2 };
}

export function ipv4Number(address: string): number {
  return address.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function ipv4(n: number): string {
  return [2 ** 24, 2 ** 16, 2 ** 8, 1].map((d) => Math.floor(n / d) % 256).join('.');
}

/** How long an allocation is and who made it: kept per address, so the reconciler can tell one in flight. */
export interface AllocationMeta {
  /** When it was made or last asked for again, in ms since the epoch. */
  at: number;
  /** The request that asked for it, when one did. */
  requestId?: string;
}

/** One address of a cluster held in Redis. */
export interface Allocation extends Partial<AllocationMeta> {
  ip: string;
  namespace: string;
}

// The keys of a cluster: namespace → ip, ip → namespace, ip → AllocationMeta (JSON).
// The address a namespace has is idempotent, and an address is claimed with HSETNX, so two namespaces never
// get one address even with many workers allocating at once: Redis runs the script atomically. A namespace
// asking again refreshes its meta, so an allocation in use is never old enough to be reclaimed.
// ARGV: namespace, write ('1' or '0'), meta, then the pools' first and last addresses (numbers), in pairs.
// Returns the namespace's address, the one it would get (write '0'), or false when every pool is exhausted.
const allocateScript = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  local holder = redis.call('HGET', KEYS[2], existing)
  if not holder and ARGV[2] == '1' then
    redis.call('HSET', KEYS[2], existing, ARGV[1])
    holder = ARGV[1]
  end
  if not holder or holder == ARGV[1] then
    if ARGV[2] == '1' then redis.call('HSET', KEYS[3], existing, ARGV[3]) end
    return existing
  end
  -- The address went to another namespace (the reconciler found it in use there): this one needs a new one.
  if ARGV[2] == '1' then redis.call('HDEL', KEYS[1], ARGV[1]) end
end
for i = 4, #ARGV - 1, 2 do
  for n = tonumber(ARGV[i]), tonumber(ARGV[i + 1]) do
    local ip = string.format('%d.%d.%d.%d', math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
      math.floor(n / 256) % 256, n % 256)
    if ARGV[2] == '1' then
      if redis.call('HSETNX', KEYS[2], ip, ARGV[1]) == 1 then
        redis.call('HSET', KEYS[1], ARGV[1], ip)
        redis.call('HSET', KEYS[3], ip, ARGV[3])
        return ip
      end
    elseif redis.call('HEXISTS', KEYS[2], ip) == 0 then
      return ip
    end
  end
end
return false
`;

// Frees a namespace's address only if it still maps back to that namespace.
const releaseScript = `
local ip = redis.call('HGET', KEYS[1], ARGV[1])
if not ip then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], ip) == ARGV[1] then
  redis.call('HDEL', KEYS[2], ip)
  redis.call('HDEL', KEYS[3], ip)
end
return ip
`;

// Frees an address whose namespace is gone, if it is still that namespace's and older than the cutoff. One
// without meta (allocated before meta was kept) gets it now, so its grace starts when it is first seen.
// ARGV: ip, namespace, cutoff (ms), meta for "first seen now".
const reclaimScript = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 'moved' end
local meta = redis.call('HGET', KEYS[3], ARGV[1])
if not meta then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
  return 'fresh'
end
local ok, decoded = pcall(cjson.decode, meta)
if ok and type(decoded) == 'table' and tonumber(decoded.at) and tonumber(decoded.at) > tonumber(ARGV[3]) then
  return 'fresh'
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[2]) end
return 'released'
`;

// Records an address found in use in the apiserver. ARGV: ip, namespace, meta. Returns 'known' when Redis
// already has it for that namespace, 'recorded' when it did not have it at all, else the namespace holding it.
const recordScript = `
local holder = redis.call('HGET', KEYS[2], ARGV[1])
if holder and holder ~= ARGV[2] then return holder end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
if holder then return 'known' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 'recorded'
`;

/** What `record` found: the address already recorded, recorded now, or held by another namespace. */
export type RecordOutcome = { status: 'known' | 'recorded' } | { status: 'held'; holder: string };

/** How many addresses a cluster's pools have, and how many of them are taken. */
export interface PoolUsage {
  size: number;
  used: number;
  free: number;
}

/** The pools of a cluster, by cluster name (the cluster registry's `natGateway.egressPools`). */
export type PoolsOf = (cluster: string) => readonly string[];

/**
 * Fixed NAT egress IPs, one namespace per address, per cluster, from the cluster's pools (CIDRs), recorded in
 * Redis. The hashes of a cluster share a hash tag, so the scripts also run on Redis Cluster.
 */
export class EgressIpAllocator {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** The pools of each cluster, for `freeAddresses` and the usage of every cluster. @defaultValue none */
    private readonly poolsOf?: PoolsOf,
  ) {}

  private keys(cluster: string): [string, string, string] {
    const base = `${this.prefix}:egress-ip:{${cluster}}`;
    return [`${base}:by-namespace`, `${base}:by-ip`, `${base}:meta`];
  }

  /**
   * The namespace's address, allocating the lowest free one of the pools (in their order) on first use.
   * Throws an `EXHAUSTED` AppError, allocating nothing, when every pool is full.
   */
  async allocate(
    cluster: string,
    pools: string | readonly string[],
    namespace: string,
    options: { requestId?: string } = {},
  ): Promise<string> {
    return this.run(cluster, pools, namespace, true, options.requestId);
  }

  /** What `allocate` would answer, without allocating (for dry runs); throws the same error when exhausted. */
  async peek(cluster: string, pools: string | readonly string[], namespace: string): Promise<string> {
    return this.run(cluster, pools, namespace, false);
  }

  /** The namespace's address, if it has one. */
  async lookup(cluster: string, namespace: string): Promise<string | null> {
    return this.redis.hget(this.keys(cluster)[0], namespace);
  }

  /** Every allocation of a cluster: address → namespace. */
  async allocations(cluster: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys(cluster)[1]);
  }

  /** Every allocation of a cluster with when and by which request it was made (absent for older ones). */
  async allocationList(cluster: string): Promise<Allocation[]> {
    const [, byIp, metaKey] = this.keys(cluster);
    const [holders, metas] = await Promise.all([this.redis.hgetall(byIp), this.redis.hgetall(metaKey)]);
    return Object.entries(holders).map(([ip, namespace]) => ({ ip, namespace, ...parseMeta(metas[ip]) }));
  }

  /** How many addresses the pools have, and how many of them are taken. */
  async usage(cluster: string, pools: string | readonly string[]): Promise<PoolUsage> {
    const ranges = [pools].flat().map(poolRange);
    const taken = Object.keys(await this.allocations(cluster)).map(ipv4Number);
    const size = ranges.reduce((sum, r) => sum + r.last - r.first + 1, 0);
    const used = taken.filter((n) => ranges.some((r) => n >= r.first && n <= r.last)).length;
    return { size, used, free: size - used };
  }

  /** How many addresses of the cluster's pools (from the registry) are still free. */
  async freeAddresses(cluster: string): Promise<number> {
    return (await this.usage(cluster, this.pools(cluster))).free;
  }

  /** The usage of each of the given clusters' pools. */
  async usageByCluster(clusters: readonly string[]): Promise<Record<string, PoolUsage>> {
    const entries = await Promise.all(
      clusters.map(async (cluster) => [cluster, await this.usage(cluster, this.pools(cluster))] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Frees the namespace's address; returns it, or null when it had none. */
  async release(cluster: string, namespace: string): Promise<string | null> {
    const released = await this.redis.eval(releaseScript, 3, ...this.keys(cluster), namespace);
    return typeof released === 'string' ? released : null;
  }

  /**
   * Frees an address whose namespace is gone, if it still belongs to that namespace and was allocated (or
   * last asked for) before `cutoff`: an allocation in flight, whose namespace is not made yet, stays.
   */
  async reclaim(
    cluster: string,
    ip: string,
    namespace: string,
    cutoff: Date,
  ): Promise<'released' | 'fresh' | 'moved'> {
    const outcome = await this.redis.eval(
      reclaimScript,
      3,
      ...this.keys(cluster),
      ip,
      namespace,
      String(cutoff.getTime()),
      JSON.stringify({ at: Date.now() } satisfies AllocationMeta),
    );
    return outcome as 'released' | 'fresh' | 'moved';
  }

  /** Records an address found in use by a namespace, unless another namespace holds it in Redis. */
  async record(cluster: string, ip: string, namespace: string, requestId?: string): Promise<RecordOutcome> {
    const meta: AllocationMeta = { at: Date.now(), ...(requestId ? { requestId } : {}) };
    const outcome = String(
      await this.redis.eval(recordScript, 3, ...this.keys(cluster), ip, namespace, JSON.stringify(meta)),
    );
    return outcome === 'known' || outcome === 'recorded'
      ? { status: outcome }
      : { status: 'held', holder: outcome };
  }

  private pools(cluster: string): readonly string[] {
    const pools = this.poolsOf?.(cluster);
    if (!pools || pools.length === 0) {
      throw new ConfigError(`no NAT egress pools are known for cluster '${cluster}'`);
    }
    return pools;
  }

  private async run(
    cluster: string,
    pools: string | readonly string[],
    namespace: string,
    write: boolean,
    requestId?: string,
  ): Promise<string> {
    const list = [pools].flat();
    const bounds = list.map(poolRange).flatMap(({ first, last }) => [String(first), String(last)]);
    const meta: AllocationMeta = { at: Date.now(), ...(requestId ? { requestId } : {}) };
    const ip = await this.redis.eval(
      allocateScript,
      3,
      ...this.keys(cluster),
      namespace,
      write ? '1' : '0',
      JSON.stringify(meta),
      ...bounds,
    );
    if (typeof ip === 'string') return ip;
    const { size, used } = await this.usage(cluster, list);
    const named =
      list.length === 1 ? `pool ${list[0]} of ${cluster} is` : `pools ${list.join(', ')} of ${cluster} are`;
    throw new AppError('EXHAUSTED', `the NAT egress ${named} exhausted`, {
      userText:
        `no NAT egress IP is left for namespace ${namespace}: the ${named} exhausted ` +
        `(${used} of ${size} addresses in use); nothing was changed. The platform team has to extend the pools.`,
    });
  }
}

function parseMeta(text: string | undefined): Partial<AllocationMeta> {
  if (text === undefined) return {};
  try {
    const meta = JSON.parse(text) as Partial<AllocationMeta>;
    return {
      ...(typeof meta.at === 'number' ? { at: meta.at } : {}),
      ...(typeof meta.requestId === 'string' ? { requestId: meta.requestId } : {}),
    };
  } catch {
    return {};
  }
}

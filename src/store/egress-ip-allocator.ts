import type { Redis } from 'ioredis';
import { ConfigError } from '../errors.js';

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

// Idempotent per namespace, and an address is claimed with HSETNX, so two namespaces never get one address
// even with many workers allocating at once. Redis runs the script atomically.
// KEYS: namespace → ip hash, ip → namespace hash. ARGV: namespace, first, last (numbers), write ('1' or '0').
// Returns the namespace's address, the one it would get (write '0'), or false when the pool is exhausted.
const allocateScript = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return existing end
local first, last = tonumber(ARGV[2]), tonumber(ARGV[3])
for n = first, last do
  local ip = string.format('%d.%d.%d.%d', math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
    math.floor(n / 256) % 256, n % 256)
  if ARGV[4] == '1' then
    if redis.call('HSETNX', KEYS[2], ip, ARGV[1]) == 1 then
      redis.call('HSET', KEYS[1], ARGV[1], ip)
      return ip
    end
  elseif redis.call('HEXISTS', KEYS[2], ip) == 0 then
    return ip
  end
end
return false
`;

// Frees a namespace's address only if it still maps back to that namespace.
const releaseScript = `
local ip = redis.call('HGET', KEYS[1], ARGV[1])
if not ip then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], ip) == ARGV[1] then redis.call('HDEL', KEYS[2], ip) end
return ip
`;

/**
 * Fixed NAT egress IPs, one namespace per address, per cluster, recorded in Redis. The two hashes of a
 * cluster share a hash tag, so the scripts also run on Redis Cluster.
 */
export class EgressIpAllocator {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private keys(cluster: string): [string, string] {
    const base = `${this.prefix}:egress-ip:{${cluster}}`;
    return [`${base}:by-namespace`, `${base}:by-ip`];
  }

  /** The namespace's address, allocating the lowest free one of `pool` on first use; null when the pool is full. */
  async allocate(cluster: string, pool: string, namespace: string): Promise<string | null> {
    return this.run(cluster, pool, namespace, true);
  }

  /** What `allocate` would answer, without allocating (for dry runs). */
  async peek(cluster: string, pool: string, namespace: string): Promise<string | null> {
    return this.run(cluster, pool, namespace, false);
  }

  /** The namespace's address, if it has one. */
  async lookup(cluster: string, namespace: string): Promise<string | null> {
    return this.redis.hget(this.keys(cluster)[0], namespace);
  }

  /** Every allocation of a cluster: address → namespace. */
  async allocations(cluster: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys(cluster)[1]);
  }

  /** How many addresses the pool has and how many of them are taken. */
  async usage(cluster: string, pool: string): Promise<{ size: number; used: number }> {
    const { first, last } = poolRange(pool);
    const taken = Object.keys(await this.allocations(cluster)).map(ipv4Number);
    return { size: last - first + 1, used: taken.filter((n) => n >= first && n <= last).length };
  }

  /** Frees the namespace's address; returns it, or null when it had none. */
  async release(cluster: string, namespace: string): Promise<string | null> {
    const released = await this.redis.eval(releaseScript, 2, ...this.keys(cluster), namespace);
    return typeof released === 'string' ? released : null;
  }

  private async run(
    cluster: string,
    pool: string,
    namespace: string,
    write: boolean,
  ): Promise<string | null> {
    const { first, last } = poolRange(pool);
    const ip = await this.redis.eval(
      allocateScript,
      2,
      ...this.keys(cluster),
      namespace,
      String(first),
      String(last),
      write ? '1' : '0',
    );
    return typeof ip === 'string' ? ip : null;
  }
}

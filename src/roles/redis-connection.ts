import { Redis, type RedisOptions } from 'ioredis';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../logger.js';

/** A connection that waits out a Redis restart (commands queue until it is back) and logs the outage. */
export function connectRedis(settings: Pick<Settings, 'redisUrl' | 'redisSentinels'>, log: Logger): Redis {
  const redis = new Redis(redisOptions(settings));
  let down = false;
  redis.on('error', (error) => {
    if (!down) log.warn({ err: error.message }, 'redis unreachable; waiting for it');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis reachable again');
    down = false;
  });
  return redis;
}

/** ioredis options from REDIS_URL, or through Sentinels (which ioredis asks for the current primary). */
function redisOptions({
  redisUrl,
  redisSentinels,
}: Pick<Settings, 'redisUrl' | 'redisSentinels'>): RedisOptions {
  const url = new URL(redisUrl);
  const common: RedisOptions = {
    maxRetriesPerRequest: null,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: Number(url.pathname.slice(1) || '0'),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return redisSentinels
    ? { ...common, sentinels: redisSentinels.hosts, name: redisSentinels.master }
    : { ...common, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || '6379') };
}

/** Redis answers a PING within a second; commands would otherwise wait for it indefinitely. */
export async function redisReady(redis: Redis): Promise<string | null> {
  if (redis.status !== 'ready') return `not connected (${redis.status})`;
  let timer: NodeJS.Timeout | undefined;
  const answered = await Promise.race([
    redis.ping().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), 1000);
    }),
  ]).finally(() => clearTimeout(timer));
  return answered ? null : 'does not answer PING';
}

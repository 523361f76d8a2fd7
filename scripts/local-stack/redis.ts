import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, type ProcessGroup, waitUntil } from './processes.js';

/** A private Redis on a free loopback port: AOF on, no eviction (BullMQ must never lose a key). */
export async function startRedis(
  group: ProcessGroup,
  binary: string,
  stateDir: string,
  /** A port to reuse, to restart a Redis where it was (its AOF is in `stateDir`). */
  port?: number,
): Promise<string> {
  port ??= await freePort();
  const dir = join(stateDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const started = group.start('redis', binary, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--protected-mode',
    'yes',
  ]);
  const url = `redis://127.0.0.1:${port}`;
  await waitUntil('redis', () => ping(url), { timeoutMs: 15_000, process: started });
  return url;
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { freePort, ProcessGroup, waitUntil } from '../../scripts/local-stack/processes.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

/** With REDIS_SENTINELS set, n3r finds the Redis primary through Sentinel; REDIS_URL's host is not used. */
describe('Redis through Sentinel', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'n3r-sentinel-'));
  const group = new ProcessGroup(stateDir);
  let h: Harness;

  beforeAll(async () => {
    const stack = inject('stack');
    const primary = new URL(stack.redisUrl);
    const port = await freePort();
    const config = join(stateDir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${stateDir}`,
        `sentinel monitor n3r-test ${primary.hostname} ${primary.port} 1`,
        '',
      ].join('\n'),
    );
    const started = group.start('redis-sentinel', stack.redisServer, [config, '--sentinel']);
    await waitUntil(
      'redis sentinel',
      async () => {
        const sentinel = new Redis({
          port,
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        sentinel.on('error', () => undefined);
        try {
          await sentinel.connect();
          const address = (await sentinel.call(
            'SENTINEL',
            'get-master-addr-by-name',
            'n3r-test',
          )) as string[];
          return address?.[1] === primary.port;
        } catch {
          return false;
        } finally {
          sentinel.disconnect();
        }
      },
      { timeoutMs: 15_000, process: started },
    );
    h = await startHarness({
      env: {
        // A host that does not resolve: only the Sentinel can lead to Redis.
        REDIS_URL: 'redis://primary-through-sentinel.invalid:6379/0',
        REDIS_SENTINELS: `127.0.0.1:${port}`,
        REDIS_SENTINEL_MASTER: 'n3r-test',
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await group.stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('is ready and runs a request from Slack to the cluster', async () => {
    await eventually('ready', async () => {
      const response = await fetch(`http://127.0.0.1:${h.n3r.opsPort}/readyz`);
      return response.status === 200;
    });
    const name = `team-a-sen-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    await h.emulator.waitFor('the card to say done', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name) && m.text.includes('Done')),
    );
    expect(await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).not.toBeNull();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { ProcessGroup } from '../../scripts/local-stack/processes.js';
import { startRedis } from '../../scripts/local-stack/redis.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { ownershipProblems, teamNamespaceManifests } from '../support/managed-fields.js';

/** Redis restarts while requests are in flight: with AOF on, nothing a user was told about is lost. */
describe('a Redis restart in the middle of requests', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'n3r-redis-restart-'));
  let group = new ProcessGroup(stateDir);
  let url: string;
  let h: Harness;

  beforeAll(async () => {
    url = await startRedis(group, inject('stack').redisServer, stateDir);
    // A job whose lock lapsed while Redis was down runs again after the lock time: short here.
    h = await startHarness({ mode: 'socket', env: { REDIS_URL: url, N3R_JOB_LOCK_MS: '5000' } });
  });
  afterAll(async () => {
    await h.stop();
    await group.stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('completes every accepted request after Redis comes back, once each', { timeout: 180_000 }, async () => {
    const names = Array.from({ length: 5 }, (_, i) => `team-a-rr-${uniqueSuffix()}-${i}`);
    for (const name of names) {
      await h.emulator.slashCommand({
        text: `ns create ${name} --cluster pub-local-a --team team-a`,
        user: people.requester,
        channel: channels.team,
      });
    }
    await h.emulator.waitFor('every card', () =>
      names.every((n) => h.emulator.channelMessages(channels.team).some((m) => m.text.includes(n))),
    );

    await group.stopAll();
    group = new ProcessGroup(stateDir);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await startRedis(group, inject('stack').redisServer, stateDir, Number(new URL(url).port));

    for (const name of names) {
      await h.emulator.waitFor(
        `${name} to be done`,
        () =>
          h.emulator
            .channelMessages(channels.team)
            .some((m) => m.text.includes(name) && m.text.includes('Done')),
        60_000,
      );
      const ns = await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      expect(ownershipProblems(ns, teamNamespaceManifests(name)[0] as KubernetesObject)).toEqual([]);
    }
    const keys = await h.redis.keys(`${h.prefix}:request:*`);
    const states = await Promise.all(
      keys.map(async (k) => JSON.parse((await h.redis.hget(k, 'json')) ?? '{}').state),
    );
    expect(states).toEqual(names.map(() => 'succeeded'));
  });
});

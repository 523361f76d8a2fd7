import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localRegistryPath } from '../../devtools/local-paths.js';
import { SlackEmulator } from '../../devtools/slack-emulator/slack-emulator.js';
import { botEnv, spawnN3r, workerEnv } from '../../devtools/split-roles.js';
import { channels, localWorkspace, people } from '../../devtools/workspace/local-workspace.js';
import { loadClusterRegistry } from '../../src/config/cluster-registry.js';
import { loadSettings } from '../../src/config/settings.js';
import type { RequestRecord } from '../../src/core/request.js';
import { RawObjectApi } from '../../src/executors/kube-object-api.js';
import { createLogger } from '../../src/logger.js';
import { type RunningN3r, startN3r } from '../../src/start-n3r.js';
import { eventually, uniqueSuffix } from '../support/harness.js';
import { ownershipProblems, teamNamespaceManifests } from '../support/managed-fields.js';

const requests = 200;
const kills = 4;

/**
 * The worker runs as its own process and is killed with SIGKILL at random moments while 200 requests are
 * in flight, then started again. Every request must end done, every change applied once, every card true.
 */
describe('the worker as its own process: killed, or stopped', () => {
  const stack = inject('stack');
  const emulator = new SlackEmulator(localWorkspace(), { rateLimit: false });
  const prefix = `t-${uniqueSuffix()}`;
  let bot: RunningN3r;
  let worker: ChildProcess | null = null;
  let redis: Redis;
  const env = () =>
    workerEnv({
      emulator,
      redisUrl: stack.redisUrl,
      prefix,
      registry: localRegistryPath,
      policyDir: stack.policyDir,
      kubeconfig: stack.executorKubeconfig,
      settings: {
        N3R_JOB_LOCK_MS: '2000',
        N3R_CONCURRENCY_PER_CLUSTER: '4',
        N3R_KUBE_QPS: '500',
        N3R_KUBE_BURST: '500',
      },
    });
  const startWorker = () => {
    worker = spawnN3r(env());
  };

  beforeAll(async () => {
    await emulator.start();
    redis = new Redis(stack.redisUrl);
    const settings = loadSettings(botEnv(env(), emulator));
    bot = await startN3r(
      settings,
      loadClusterRegistry(localRegistryPath),
      createLogger({ level: 'silent', role: 'test' }),
    );
    await emulator.waitFor('the bot to connect', () => emulator.socketConnections > 0);
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    await bot.stop();
    await emulator.stop();
    await redis.quit();
  });

  it('killed with SIGKILL at random points while 200 requests run: every request done, each change applied once, every card true', {
    timeout: 300_000,
  }, async () => {
    const run = uniqueSuffix();
    const names = Array.from({ length: requests }, (_, i) => `team-a-c${run}-${i}`);
    startWorker();
    for (const name of names) {
      await emulator.slashCommand({
        text: `ns create ${name} --cluster pub-local-a --team team-a --cpu 1 --memory 1Gi`,
        user: people.requester,
        channel: channels.team,
      });
    }
    const allRecords = async () => {
      const keys = await redis.keys(`${prefix}:request:*`);
      return (await Promise.all(keys.map((k) => redis.hget(k, 'json')))).map(
        (j) => JSON.parse(j ?? '{}') as RequestRecord,
      );
    };
    const settled = async () => (await allRecords()).filter((r) => r.state === 'succeeded').length;
    for (let k = 0; k < kills; k++) {
      // Killed only once this process is at work (a slow start on a busy machine would otherwise see the
      // kill before its first job), at a random moment of that work.
      const before = await settled();
      if (before === requests) break;
      await eventually(
        'the restarted worker to settle a request',
        async () => (await settled()) > before,
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1500));
      const victim = worker as ChildProcess;
      victim.kill('SIGKILL');
      await once(victim, 'exit');
      startWorker();
    }

    const records = await eventually(
      'every request to settle',
      async () => {
        const all = await allRecords();
        return all.length === requests && all.every((r) => ['succeeded', 'failed'].includes(r.state))
          ? all
          : null;
      },
      240_000,
    );
    expect(records.filter((r) => r.state !== 'succeeded').map((r) => `${r.id}: ${r.error}`)).toEqual([]);

    const kc = new KubeConfig();
    kc.loadFromFile(stack.adminKubeconfig);
    const admin = RawObjectApi.fromKubeConfig(kc);
    const egressIps = new Set<string>();
    for (const record of records) {
      const name = String(record.params.name);
      const ns = await admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      expect(ns?.metadata?.annotations?.['n3r.io/request-id']).toBe(record.id);
      const [nsManifest, quotaManifest] = teamNamespaceManifests(name);
      expect(ownershipProblems(ns, nsManifest as KubernetesObject)).toEqual([]);
      egressIps.add(ns?.metadata?.annotations?.['n3r.io/egress-ip'] ?? '');
      const quota = await admin.get({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'n3r-quota', namespace: name },
      });
      // ResourceQuota carries no generation: check it is ours, its fields held by n3r's apply and no one else.
      expect(quota?.metadata?.annotations?.['n3r.io/request-id']).toBe(record.id);
      expect(ownershipProblems(quota, quotaManifest as KubernetesObject)).toEqual([]);
      const trail = await redis.xrange(`${prefix}:audit:${record.id}`, '-', '+');
      expect(trail.filter(([, f]) => f[1] === 'succeeded')).toHaveLength(1);
    }
    expect(egressIps.size).toBe(requests);
    // The kills did interrupt work: some requests were started more than once and still applied once.
    const starts = await Promise.all(records.map((r) => redis.xrange(`${prefix}:audit:${r.id}`, '-', '+')));
    expect(
      starts.filter((trail) => trail.filter(([, f]) => f[1] === 'started').length > 1).length,
    ).toBeGreaterThan(0);

    for (const record of records) {
      const cards = emulator.channelMessages(channels.team).filter((m) => m.text.includes(` ${record.id}:`));
      expect(cards).toHaveLength(1);
      const card = cards[0] as (typeof cards)[number];
      expect(card.text).toContain('Done');
      // Reports are at least once: a crash between telling and recording it is told again, never lost.
      const replies = emulator.threadReplies(card.channel, card.ts).map((m) => m.text);
      expect(replies.some((text) => text.startsWith(':white_check_mark:'))).toBe(true);
      expect(replies.filter((text) => text.startsWith(':x:'))).toEqual([]);
    }
  });

  it('on SIGTERM finishes the jobs in hand and exits cleanly: nothing stalls, nothing runs twice', {
    timeout: 120_000,
  }, async () => {
    const run = uniqueSuffix();
    const names = Array.from({ length: 30 }, (_, i) => `team-a-t${run}-${i}`);
    const before = new Set(await redis.keys(`${prefix}:request:*`));
    if (!worker || worker.exitCode !== null) startWorker();
    for (const name of names) {
      await emulator.slashCommand({
        text: `ns create ${name} --cluster pub-local-a --team team-a --cpu 1 --memory 1Gi`,
        user: people.requester,
        channel: channels.team,
      });
    }
    const stopping = worker as ChildProcess;
    stopping.kill('SIGTERM');
    const [code] = (await once(stopping, 'exit')) as [number | null];
    expect(code).toBe(0);
    startWorker();
    const records = await eventually(
      'the 30 requests to settle',
      async () => {
        const keys = (await redis.keys(`${prefix}:request:*`)).filter((k) => !before.has(k));
        const all = (await Promise.all(keys.map((k) => redis.hget(k, 'json')))).map(
          (j) => JSON.parse(j ?? '{}') as RequestRecord,
        );
        return all.length === names.length && all.every((r) => r.state === 'succeeded') ? all : null;
      },
      90_000,
    );
    for (const record of records) {
      const trail = await redis.xrange(`${prefix}:audit:${record.id}`, '-', '+');
      expect(trail.filter(([, f]) => f[1] === 'started')).toHaveLength(1);
    }
  });
});

import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { localRegistryPath } from '../../devtools/local-paths.js';
import { SlackEmulator, type SlackEmulatorOptions } from '../../devtools/slack-emulator/slack-emulator.js';
import { localWorkspace } from '../../devtools/workspace/local-workspace.js';
import { withLocalLogStores } from '../../scripts/local-stack/log-store-registry.js';
import { type ClusterRegistry, loadClusterRegistry } from '../../src/config/cluster-registry.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { RawObjectApi } from '../../src/executors/kube-object-api.js';
import { BullmqJobQueue } from '../../src/jobs/bullmq-job-queue.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { type RunningN3r, startN3r } from '../../src/start-n3r.js';

export interface Harness {
  emulator: SlackEmulator;
  n3r: RunningN3r;
  /** An admin client to read back what the bot did, as a person with kubectl would. */
  admin: RawObjectApi;
  redis: Redis;
  /** The Redis key prefix of this harness alone. */
  prefix: string;
  /** Jobs of this harness in any state, over every cluster's queue. */
  jobCount(): Promise<number>;
  /** Whether a request has a job on its cluster's queue. */
  hasJob(cluster: string, requestId: string): Promise<boolean>;
  /** Another worker process's worth of n3r, on this harness's prefix and Slack, with settings changed. */
  startWorker(env: Record<string, string>): Promise<RunningN3r>;
  stop(): Promise<void>;
}

/** A unique name for objects a test creates, so tests never see each other's. */
export function uniqueSuffix(): string {
  return randomBytes(3).toString('hex');
}

/** The Slack emulator and the bot + worker in this process, on the shared stack, with their own prefix. */
export async function startHarness(
  options: {
    mode?: 'http' | 'socket';
    role?: 'all' | 'bot';
    env?: Record<string, string>;
    /** Makes the logger n3r writes to, e.g. one whose lines the test reads. */
    logger?: (settings: Settings) => Logger;
    emulator?: SlackEmulatorOptions;
    /** Changes the registry the bot gets (the local one, with the stack's log stores). */
    registry?: (registry: ClusterRegistry) => ClusterRegistry;
  } = {},
): Promise<Harness> {
  const mode = options.mode ?? 'http';
  const stack = inject('stack');
  const emulator = new SlackEmulator(localWorkspace(), options.emulator);
  await emulator.start();
  const prefix = `t-${uniqueSuffix()}`;
  const env = {
    N3R_ROLE: options.role ?? 'all',
    SLACK_MODE: mode,
    SLACK_BOT_TOKEN: emulator.botToken,
    SLACK_SIGNING_SECRET: emulator.signingSecret,
    SLACK_APP_TOKEN: emulator.appToken,
    SLACK_API_URL: emulator.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    N3R_HTTP_PORT: '0',
    N3R_HTTP_HOST: '127.0.0.1',
    REDIS_URL: stack.redisUrl,
    N3R_PREFIX: prefix,
    N3R_REGISTRY: localRegistryPath,
    N3R_POLICY_DIR: stack.policyDir,
    KUBECONFIG: stack.executorKubeconfig,
    LOG_LEVEL: process.env.N3R_TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  };
  const settings = loadSettings(env);
  const log = options.logger?.(settings) ?? createLogger({ level: settings.logLevel, role: 'test' });
  const extras: RunningN3r[] = [];
  const withStores = withLocalLogStores(loadClusterRegistry(localRegistryPath), stack);
  const registry = options.registry ? options.registry(withStores) : withStores;
  const n3r = await startN3r(settings, registry, log);
  if (mode === 'http') emulator.appUrl = `http://127.0.0.1:${n3r.port}/slack/events`;
  else await emulator.waitFor('the bot to connect over socket mode', () => emulator.socketConnections > 0);
  const kc = new KubeConfig();
  kc.loadFromFile(stack.adminKubeconfig);
  const redis = new Redis(settings.redisUrl);
  // A test may restart Redis on purpose; the connection waits for it quietly.
  redis.on('error', () => undefined);
  const queues = new BullmqJobQueue(redis, prefix);
  return {
    emulator,
    n3r,
    admin: RawObjectApi.fromKubeConfig(kc),
    redis,
    prefix,
    jobCount: async () => {
      const counts = await Promise.all(registry.clusters.map((c) => queues.queueFor(c.name).getJobCounts()));
      return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
    },
    hasJob: async (cluster, requestId) => (await queues.queueFor(cluster).getJob(requestId)) !== undefined,
    startWorker: async (overrides) => {
      const worker = await startN3r(
        loadSettings({ ...env, N3R_ROLE: 'worker', SLACK_MODE: 'http', ...overrides }),
        registry,
        log,
      );
      extras.push(worker);
      return worker;
    },
    stop: async () => {
      for (const extra of extras) await extra.stop();
      await queues.close();
      await n3r.stop();
      await emulator.stop();
      await redis.quit();
    },
  };
}

/** Polls an async check until it yields a value; fails with `what` after the timeout. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | null>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { Redis, type RedisOptions } from 'ioredis';
import { onCallChannels, routeAlertGroup } from './alerts/alert-routing.js';
import { AlertSender } from './bot/alert-sender.js';
import { boltLogger } from './bot/bolt-logger.js';
import { countingSlackFetch } from './bot/counting-slack-fetch.js';
import { createSlackApp } from './bot/create-slack-app.js';
import { scrubbingSlackFetch } from './bot/scrubbing-slack-fetch.js';
import { SlackIdentityResolver } from './bot/slack-identity.js';
import { SlackNotifier } from './bot/slack-notifier.js';
import { type ClusterRegistry, clusterTypes } from './config/cluster-registry.js';
import type { Settings } from './config/settings.js';
import { createExecutors, createRevokers } from './executors/index.js';
import { KubeClients } from './executors/kube-clients.js';
import { KubeFactsProvider } from './executors/kube-facts-provider.js';
import { alertmanagerWebhookRoute } from './http/alertmanager-webhook.js';
import { opsRoutes } from './http/ops-routes.js';
import { type HttpRoute, startOpsServer } from './http/ops-server.js';
import { Readiness } from './http/readiness.js';
import { BullmqJobQueue } from './jobs/bullmq-job-queue.js';
import { BullmqScheduler, startTimerWorker } from './jobs/bullmq-scheduler.js';
import { startWorkers } from './jobs/start-workers.js';
import { knownSecrets } from './known-secrets.js';
import type { Logger } from './logger.js';
import { ApprovalWaitStore } from './metrics/approval-wait-store.js';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import { timedPolicyEngine } from './metrics/timed-policy-engine.js';
import { loadPolicyEngine } from './policy/load-policy-engine.js';
import type { OpaPolicyEngine } from './policy/opa-policy-engine.js';
import { RedisAlertStore } from './store/redis-alert-store.js';

export interface RunningN3r {
  /** Port the Slack receiver listens on, when the bot role runs here in HTTP mode. */
  port: number | null;
  /** Port of the process's own HTTP endpoint (health, metrics, webhooks). */
  opsPort: number;
  stop(): Promise<void>;
}

/** The composition root: builds every adapter from settings and starts the roles asked for. */
export async function startN3r(
  settings: Settings,
  registry: ClusterRegistry,
  log: Logger,
): Promise<RunningN3r> {
  log.info({ settings }, 'starting');
  const redis = connectRedis(settings, log);
  const stops: (() => Promise<unknown>)[] = [async () => redis.quit()];
  const readiness = new Readiness();
  let stopping: Promise<void> | null = null;
  // Readiness turns false before anything stops; a second call waits for the first.
  const stop = () => {
    readiness.beginShutdown();
    stopping ??= (async () => {
      for (const s of stops.reverse())
        await s().catch((error: unknown) => log.warn({ err: error }, 'stop step failed'));
    })();
    return stopping;
  };
  try {
    // The ops endpoint comes up first and goes down last: probes see "not ready" while the process starts
    // and from the moment it begins to stop, and metrics stay scrapable throughout.
    let engine: OpaPolicyEngine | null = null;
    const depthQueues = new BullmqJobQueue(redis, settings.prefix);
    stops.push(() => depthQueues.close());
    const metrics = new PrometheusMetrics({
      queueDepth: () => queueDepth(depthQueues, registry),
      bundleRevisions: () => engine?.revisions() ?? {},
    });
    readiness.require('redis', () => redisReady(redis));
    readiness.require('policy', () => missingBundles(engine));
    let kubeReady = false;
    readiness.require('cluster registry', () =>
      kubeReady ? null : 'not loaded yet (a client per registered cluster)',
    );
    // The table is read per request: routes that need the adapters below (webhooks) are pushed once built.
    const routes: HttpRoute[] = opsRoutes({ readiness, scrape: () => metrics.scrape() });
    const ops = await startOpsServer(routes, {
      ...settings.http,
      log,
      onRouteError: () => metrics.error('http', 'INTERNAL'),
    });
    stops.push(() => ops.stop());
    log.info({ port: ops.port, host: settings.http.host }, 'ops endpoint listening');

    const loaded = await loadPolicyEngine(settings, log, metrics);
    engine = loaded.engine;
    stops.push(() => loaded.reloader.stop());
    const policy = timedPolicyEngine(loaded.engine, metrics);
    // Both roles read facts for the policy; only the worker writes.
    const kube = KubeClients.fromKubeconfig(
      settings.kubeconfigPath,
      registry,
      settings.kubeRateLimit,
      (cluster, status) => metrics.kubeApiError(cluster, status),
    );
    kubeReady = true;
    const facts = new KubeFactsProvider(kube);
    const store = new ApprovalWaitStore(redis, settings.prefix, log, metrics);
    const slackFetch = countingSlackFetch(metrics, scrubbingSlackFetch(knownSecrets(settings)));
    const web = new WebClient(settings.slack.botToken, {
      ...(settings.slack.apiUrl ? { slackApiUrl: settings.slack.apiUrl } : {}),
      fetch: slackFetch,
      // Its warnings (rate limits, retries) go to our structured, redacted log rather than the console.
      logger: boltLogger(log),
    });
    const notifier = new SlackNotifier(web, registry.approverChannels);

    const scheduler = new BullmqScheduler(redis, settings.prefix);
    stops.push(() => scheduler.close());

    if (settings.role !== 'bot') {
      const executorDeps = { kube, registry, redis, prefix: settings.prefix };
      const workerConnection = connectRedis(settings, log);
      const workers = startWorkers(
        {
          registry,
          connection: workerConnection,
          prefix: settings.prefix,
          store,
          policy,
          facts,
          notifier,
          executors: createExecutors(executorDeps),
          scheduler,
          log,
          metrics,
        },
        settings.jobs,
      );
      const timers = startTimerWorker({
        store,
        notifier,
        log,
        revokers: createRevokers(executorDeps),
        connection: workerConnection,
        prefix: settings.prefix,
      });
      // Closing waits for jobs in flight to finish, so a normal restart leaves nothing stalled.
      stops.push(async () => {
        await Promise.all([workers.close(), timers.close()]);
        await workerConnection.quit();
      });
      log.info({ clusters: registry.clusters.map((c) => c.name) }, 'workers started');
    }

    let port: number | null = null;
    if (settings.role !== 'worker') {
      const alerts = new RedisAlertStore(redis, settings.prefix);
      const queue = new BullmqJobQueue(redis, settings.prefix);
      stops.push(() => queue.close());
      const identity = new SlackIdentityResolver(web, registry.groups);
      let slackConnected = settings.slack.mode === 'http';
      readiness.require('slack', () => (slackConnected ? null : 'not connected to Slack (Socket Mode)'));
      const app = createSlackApp(
        settings,
        { registry, identity, facts, policy, store, queue, scheduler, notifier, log, metrics },
        alerts,
        {
          fetch: slackFetch,
          onConnectionChange: (connected) => {
            slackConnected = connected;
          },
        },
      );
      if (settings.alerts.webhookToken) {
        routes.push(
          alertmanagerWebhookRoute({
            token: settings.alerts.webhookToken,
            store: alerts,
            route: (payload) => routeAlertGroup(payload, { registry, facts, log }),
            log,
          }),
        );
        const sender = new AlertSender(
          web,
          alerts,
          onCallChannels(registry),
          { intervalMs: settings.alerts.channelIntervalMs, digestAfter: settings.alerts.digestAfter },
          log,
        );
        sender.start();
        stops.push(() => sender.stop());
      } else {
        log.info('N3R_ALERT_WEBHOOK_TOKEN is not set: the Alertmanager webhook is not served');
      }
      if (settings.slack.mode === 'http') {
        const server = await app.start({ port: settings.slack.port, host: settings.slack.host });
        port = (server.address() as AddressInfo).port;
        log.info({ port, host: settings.slack.host }, 'slack receiver listening');
      } else {
        await app.start();
        log.info('connected to slack over socket mode');
      }
      stops.push(() => app.stop());
    }
    return { port, opsPort: ops.port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A connection that waits out a Redis restart (commands queue until it is back) and logs the outage. */
function connectRedis(settings: Pick<Settings, 'redisUrl' | 'redisSentinels'>, log: Logger): Redis {
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

/** Jobs per cluster queue and state, for the queue depth gauge. */
async function queueDepth(
  queues: BullmqJobQueue,
  registry: ClusterRegistry,
): Promise<Record<string, Record<string, number>>> {
  const counts = await Promise.all(
    registry.clusters.map(async (c) => [c.name, await queues.queueFor(c.name).getJobCounts()] as const),
  );
  return Object.fromEntries(counts);
}

/** Redis answers a PING within a second; commands would otherwise wait for it indefinitely. */
async function redisReady(redis: Redis): Promise<string | null> {
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

function missingBundles(engine: OpaPolicyEngine | null): string | null {
  if (!engine) return 'bundles not loaded yet';
  const missing = clusterTypes.filter((type) => engine.revisionOf(type) === undefined);
  return missing.length === 0 ? null : `no bundle loaded for cluster type ${missing.join(', ')}`;
}

import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import { onCallChannels, routeAlertGroup } from './alerts/alert-routing.js';
import { AlertSender } from './bot/alert-sender.js';
import { createSlackApp } from './bot/create-slack-app.js';
import { SlackIdentityResolver } from './bot/slack-identity.js';
import { SlackNotifier } from './bot/slack-notifier.js';
import type { ClusterRegistry } from './config/cluster-registry.js';
import type { Settings } from './config/settings.js';
import { createExecutors, createRevokers } from './executors/index.js';
import { KubeClients } from './executors/kube-clients.js';
import { KubeFactsProvider } from './executors/kube-facts-provider.js';
import { alertmanagerWebhookRoute } from './http/alertmanager-webhook.js';
import { type HttpRoute, startOpsServer } from './http/ops-server.js';
import { BullmqJobQueue } from './jobs/bullmq-job-queue.js';
import { BullmqScheduler, startTimerWorker } from './jobs/bullmq-scheduler.js';
import { startWorkers } from './jobs/start-workers.js';
import type { Logger } from './logger.js';
import { loadPolicyEngine } from './policy/load-policy-engine.js';
import { RedisAlertStore } from './store/redis-alert-store.js';
import { RedisRequestStore } from './store/redis-request-store.js';

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
  const redis = connectRedis(settings.redisUrl, log);
  const stops: (() => Promise<unknown>)[] = [async () => redis.quit()];
  let stopped = false;
  const stop = async () => {
    // Idempotent: a test (or a signal handler) may stop a process that is already stopping.
    if (stopped) return;
    stopped = true;
    for (const s of stops.reverse())
      await s().catch((error: unknown) => log.warn({ err: error }, 'stop step failed'));
  };
  try {
    const { engine: policy, reloader } = await loadPolicyEngine(settings, log);
    stops.push(() => reloader.stop());
    // Both roles read facts for the policy; only the worker writes.
    const kube = KubeClients.fromKubeconfig(settings.kubeconfigPath, registry, settings.kubeRateLimit);
    const facts = new KubeFactsProvider(kube);
    const store = new RedisRequestStore(redis, settings.prefix, log);
    const web = new WebClient(
      settings.slack.botToken,
      settings.slack.apiUrl ? { slackApiUrl: settings.slack.apiUrl } : {},
    );
    const notifier = new SlackNotifier(web, registry.approverChannels);

    const scheduler = new BullmqScheduler(redis, settings.prefix);
    stops.push(() => scheduler.close());

    if (settings.role !== 'bot') {
      const executorDeps = { kube, registry, redis, prefix: settings.prefix };
      const workerConnection = connectRedis(settings.redisUrl, log);
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
    const routes: HttpRoute[] = [
      { method: 'GET', path: '/healthz', handle: async () => ({ status: 200, body: { status: 'ok' } }) },
    ];
    if (settings.role !== 'worker') {
      const alerts = new RedisAlertStore(redis, settings.prefix);
      const queue = new BullmqJobQueue(redis, settings.prefix);
      stops.push(() => queue.close());
      const identity = new SlackIdentityResolver(web, registry.groups);
      const app = createSlackApp(
        settings,
        {
          registry,
          identity,
          facts,
          policy,
          store,
          queue,
          scheduler,
          notifier,
          log,
        },
        alerts,
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
    const ops = await startOpsServer(routes, { ...settings.http, log });
    stops.push(() => ops.stop());
    log.info({ port: ops.port, host: settings.http.host }, 'ops endpoint listening');
    return { port, opsPort: ops.port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A connection that waits out a Redis restart (commands queue until it is back) and logs the outage. */
function connectRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
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

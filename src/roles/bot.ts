import type { AddressInfo } from 'node:net';
import { onCallChannels, routeAlertGroup } from '../alerts/alert-routing.js';
import { AlertSender } from '../bot/alert-sender.js';
import { createSlackApp } from '../bot/create-slack-app.js';
import { SlackIdentityResolver } from '../bot/slack-identity.js';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import type { Settings } from '../config/settings.js';
import { alertmanagerWebhookRoute } from '../http/alertmanager-webhook.js';
import type { HttpRoute } from '../http/ops-server.js';
import type { Readiness } from '../http/readiness.js';
import { BullmqJobQueue } from '../jobs/bullmq-job-queue.js';
import type { Logger } from '../logger.js';
import { RedisAlertStore } from '../store/redis-alert-store.js';
import type { SharedAdapters } from './shared-adapters.js';
import type { StopStack } from './stop-stack.js';

export interface BotRole {
  /** Routes the bot serves on the ops endpoint: the Alertmanager webhook, when a token is set. */
  routes: HttpRoute[];
  /** Starts the Slack app (and the on-call sender); the port of Slack's receiver in HTTP mode, else null. */
  start(stops: StopStack): Promise<number | null>;
}

/** The Slack-facing role: the Bolt app, the Alertmanager webhook and the on-call alert sender. */
export function botRole(
  settings: Settings,
  registry: ClusterRegistry,
  shared: SharedAdapters,
  readiness: Readiness,
  log: Logger,
): BotRole {
  const { redis, web, facts } = shared;
  const alerts = new RedisAlertStore(redis, settings.prefix);
  const token = settings.alerts.webhookToken;
  const routes = token
    ? [
        alertmanagerWebhookRoute({
          token,
          store: alerts,
          route: (payload) => routeAlertGroup(payload, { registry, facts, log }),
          log,
        }),
      ]
    : [];

  return {
    routes,
    async start(stops) {
      const queue = new BullmqJobQueue(redis, settings.prefix);
      stops.push(() => queue.close());
      const slack = new SlackConnection(settings.slack.mode === 'http');
      readiness.require('slack', () => (slack.connected ? null : 'not connected to Slack (Socket Mode)'));
      const app = createSlackApp(
        settings,
        {
          registry,
          identity: new SlackIdentityResolver(web, registry.groups),
          facts,
          policy: shared.policy,
          store: shared.store,
          queue,
          scheduler: shared.scheduler,
          events: shared.events,
          log,
          metrics: shared.metrics,
        },
        alerts,
        { fetch: shared.slackFetch, onConnectionChange: (connected) => slack.set(connected) },
      );
      if (token) {
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
        stops.push(() => app.stop());
        const { port } = server.address() as AddressInfo;
        log.info({ port, host: settings.slack.host }, 'slack receiver listening');
        return port;
      }
      await app.start();
      stops.push(() => app.stop());
      log.info('connected to slack over socket mode');
      return null;
    },
  };
}

/** Whether Slack is reachable for the bot: always over HTTP; in Socket Mode, as its client last told. */
class SlackConnection {
  #connected: boolean;

  constructor(connected: boolean) {
    this.#connected = connected;
  }

  get connected(): boolean {
    return this.#connected;
  }

  set(connected: boolean): void {
    this.#connected = connected;
  }
}

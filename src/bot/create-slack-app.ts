import { type App, SocketModeReceiver } from '@slack/bolt';
import type { FetchFunction } from '@slack/web-api';
import type { Settings } from '../config/settings.js';
import type { RedisAlertStore } from '../store/redis-alert-store.js';
import { completeAlertAsk } from './alert-asks.js';
import { boltLogger } from './bolt-logger.js';
import type { BotDeps } from './bot-deps.js';
import { AckWatchingApp, listenerGuard } from './listener-guard.js';
import { registerAlertActions } from './listeners/alert-actions.js';
import { registerApprovals } from './listeners/approvals.js';
import { registerN3rCommand } from './listeners/n3r-command.js';
import { registerRequestForms } from './listeners/request-forms.js';
import { oncePerEvent } from './once-per-event.js';
import { SlackHttpReceiver } from './slack-http-receiver.js';

export interface SlackTransportOptions {
  /** The `fetch` every Web API call of Bolt's clients goes through (metrics). @defaultValue globalThis.fetch */
  fetch?: FetchFunction;
  /** Told when the Socket Mode connection comes up or goes down (readiness). Not called in HTTP mode. */
  onConnectionChange?: (connected: boolean) => void;
}

/**
 * The Bolt app, in Socket Mode or HTTP mode. The receiver does transport only (and, over HTTP, verifies
 * Slack's signature and timestamp and refuses malformed bodies: SlackHttpReceiver); the listeners hold the logic.
 */
export function createSlackApp(
  settings: Settings,
  given: BotDeps,
  alerts?: RedisAlertStore,
  transport: SlackTransportOptions = {},
): App {
  // Asks about an alert group, from any listener, are completed from the group.
  const deps: BotDeps = alerts ? { ...given, completeAsk: (ask) => completeAlertAsk(alerts, ask) } : given;
  const logger = boltLogger(deps.log);
  const clientOptions = {
    ...(settings.slack.apiUrl ? { slackApiUrl: settings.slack.apiUrl } : {}),
    ...(transport.fetch ? { fetch: transport.fetch } : {}),
  };
  const common = { token: settings.slack.botToken, logger, clientOptions };
  let app: App;
  if (settings.slack.mode === 'socket') {
    // Made here rather than by Bolt so that its connection state can be watched.
    const receiver = new SocketModeReceiver({
      appToken: settings.slack.appToken,
      logger,
      installerOptions: { clientOptions },
    });
    const { onConnectionChange } = transport;
    if (onConnectionChange) {
      receiver.client.on('connected', () => onConnectionChange(true));
      receiver.client.on('disconnected', () => onConnectionChange(false));
      receiver.client.on('reconnecting', () => onConnectionChange(false));
    }
    app = new AckWatchingApp({ ...common, receiver });
  } else {
    const receiver = new SlackHttpReceiver({ signingSecret: settings.slack.signingSecret, log: deps.log });
    app = new AckWatchingApp({ ...common, receiver });
  }
  // Every listener below runs inside it: a failure is logged with a reference and told to the person.
  app.use(listenerGuard(deps));
  app.use(oncePerEvent(deps.store));
  registerN3rCommand(app, deps);
  registerApprovals(app, deps);
  registerRequestForms(app, deps);
  if (alerts) registerAlertActions(app, deps, alerts);
  // What fails outside the listeners (authorization, Bolt itself) ends here.
  app.error(async (error) => {
    deps.metrics?.error('bot', 'UNHANDLED');
    deps.log.error({ err: error }, 'unhandled bolt error');
  });
  return app;
}

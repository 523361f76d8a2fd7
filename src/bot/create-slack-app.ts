import { App } from '@slack/bolt';
import type { Settings } from '../config/settings.js';
import type { RedisAlertStore } from '../store/redis-alert-store.js';
import { boltLogger } from './bolt-logger.js';
import type { BotDeps } from './bot-deps.js';
import { registerAlertActions } from './listeners/alert-actions.js';
import { registerApprovals } from './listeners/approvals.js';
import { registerN3rCommand } from './listeners/n3r-command.js';
import { registerRequestForms } from './listeners/request-forms.js';

/**
 * The Bolt app, in Socket Mode or HTTP mode. The receiver does transport only (and, over HTTP, verifies
 * Slack's signature); the listeners hold the logic.
 */
export function createSlackApp(settings: Settings, deps: BotDeps, alerts?: RedisAlertStore): App {
  const common = {
    token: settings.slack.botToken,
    logger: boltLogger(deps.log),
    ...(settings.slack.apiUrl ? { clientOptions: { slackApiUrl: settings.slack.apiUrl } } : {}),
  };
  const app =
    settings.slack.mode === 'socket'
      ? new App({ ...common, socketMode: true, appToken: settings.slack.appToken })
      : new App({ ...common, signingSecret: settings.slack.signingSecret });
  registerN3rCommand(app, deps);
  registerApprovals(app, deps);
  registerRequestForms(app, deps);
  if (alerts) registerAlertActions(app, deps, alerts);
  app.error(async (error) => {
    deps.log.error({ err: error }, 'unhandled bolt error');
  });
  return app;
}

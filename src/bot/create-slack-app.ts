import { App } from '@slack/bolt';
import type { Settings } from '../config/settings.js';
import type { SubmitDeps } from '../core/submit-request.js';
import { boltLogger } from './bolt-logger.js';
import { registerN3rCommand } from './listeners/n3r-command.js';

/** The Bolt app in HTTP mode: the receiver verifies Slack's signature; listeners hold the logic. */
export function createSlackApp(settings: Settings, deps: SubmitDeps): App {
  const app = new App({
    token: settings.slack.botToken,
    signingSecret: settings.slack.signingSecret,
    logger: boltLogger(deps.log),
    ...(settings.slack.apiUrl ? { clientOptions: { slackApiUrl: settings.slack.apiUrl } } : {}),
  });
  registerN3rCommand(app, deps);
  app.error(async (error) => {
    deps.log.error({ err: error }, 'unhandled bolt error');
  });
  return app;
}

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../scripts/local-stack/stack.js';
import type { SlackEmulator } from './slack-emulator/slack-emulator.js';

/**
 * The environment of an n3r worker process talking to the Slack emulator, as a deployment would configure
 * it; `loadSettings({ ...env, N3R_ROLE: 'bot', … })` gives the matching bot.
 */
export function workerEnv(args: {
  emulator: SlackEmulator;
  redisUrl: string;
  prefix: string;
  registry: string;
  policyDir: string;
  kubeconfig: string;
  settings?: Record<string, string>;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    N3R_ROLE: 'worker',
    SLACK_MODE: 'http',
    SLACK_BOT_TOKEN: args.emulator.botToken,
    SLACK_SIGNING_SECRET: args.emulator.signingSecret,
    SLACK_API_URL: args.emulator.apiUrl,
    // Several processes run side by side here: each takes a free port for its own endpoint.
    N3R_HTTP_PORT: '0',
    N3R_HTTP_HOST: '127.0.0.1',
    REDIS_URL: args.redisUrl,
    N3R_PREFIX: args.prefix,
    N3R_REGISTRY: args.registry,
    N3R_POLICY_DIR: args.policyDir,
    KUBECONFIG: args.kubeconfig,
    LOG_LEVEL: 'silent',
    ...args.settings,
  };
}

/** The bot's settings for the same installation, connected over Socket Mode. */
export function botEnv(env: Record<string, string>, emulator: SlackEmulator): Record<string, string> {
  return { ...env, N3R_ROLE: 'bot', SLACK_MODE: 'socket', SLACK_APP_TOKEN: emulator.appToken };
}

/** `src/main.ts` as its own process, as production runs it. */
export function spawnN3r(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts')], {
    cwd: projectRoot,
    env,
    stdio: 'ignore',
  });
}

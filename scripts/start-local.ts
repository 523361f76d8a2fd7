// Runs the product locally (see start.sh): the stack, the Slack emulator, and `src/main.ts` as a child
// process configured exactly as a deployment would be, through its environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localRegistryPath } from '../test/support/local-paths.js';
import { localWorkspace } from '../test/support/local-workspace.js';
import { SlackEmulator } from '../test/support/slack-emulator.js';
import { startLocalPair } from './local-stack/extra-clusters.js';
import { ProcessGroup, waitUntil } from './local-stack/processes.js';
import { projectRoot, startLocalStack } from './local-stack/stack.js';

const stack = await startLocalStack();
// `npm start -- --ha`: the public region pair's other three clusters get apiservers of their own.
const pairGroup = new ProcessGroup(stack.stateDir);
const emulator = new SlackEmulator(localWorkspace());
let bot: ChildProcess | null = null;

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  if (bot && bot.exitCode === null) {
    bot.kill('SIGTERM');
    await once(bot, 'exit');
  }
  await emulator.stop();
  await pairGroup.stopAll();
  await stack.stop();
  process.exit(code);
};
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

try {
  let kubeconfig = stack.controlPlane?.executorKubeconfig ?? '';
  if (process.argv.includes('--ha') && stack.controlPlane) {
    const pair = await startLocalPair({
      group: pairGroup,
      binaries: stack.tools,
      etcdUrl: stack.controlPlane.etcdUrl,
      pkiDir: stack.controlPlane.pkiDir,
      server: stack.controlPlane.server,
      stateDir: stack.stateDir,
      crdDir: join(projectRoot, '../shared/crds'),
      rbacDir: join(projectRoot, 'deploy/rbac'),
    });
    kubeconfig = pair.executorKubeconfig('executor-ha');
    for (const c of pair.clusters) process.stderr.write(`[n3r] ${c.name} ready at ${c.server}\n`);
  }
  await emulator.start();
  bot = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts')], {
    env: {
      ...process.env,
      N3R_ROLE: 'all',
      // Socket Mode, the default for a company-internal bot: the bot connects out to the emulator.
      SLACK_MODE: 'socket',
      SLACK_APP_TOKEN: emulator.appToken,
      SLACK_BOT_TOKEN: emulator.botToken,
      SLACK_API_URL: emulator.apiUrl,
      HOST: '127.0.0.1',
      N3R_HTTP_HOST: '127.0.0.1',
      REDIS_URL: stack.redisUrl,
      N3R_REGISTRY: localRegistryPath,
      N3R_POLICY_DIR: join(projectRoot, 'build/policies'),
      KUBECONFIG: kubeconfig,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  bot.once('exit', (code) => {
    process.stderr.write(`[n3r] the bot exited (${code}); stopping\n`);
    void shutdown(code ?? 1);
  });
  await waitUntil('bot', async () => emulator.socketConnections > 0, { timeoutMs: 60_000 });

  mkdirSync(join(projectRoot, '.n3r'), { recursive: true });
  writeFileSync(
    join(projectRoot, '.n3r/local.json'),
    JSON.stringify(
      { emulatorUrl: emulator.url, adminKubeconfig: stack.controlPlane?.adminKubeconfig },
      null,
      2,
    ),
  );
  const users = localWorkspace()
    .users.map((u) => u.name)
    .join(', ');
  process.stdout.write(`
N3R ChatOps is running locally.
  Slack emulator  ${emulator.url}
  Redis           ${stack.redisUrl}
  Kubernetes      ${stack.controlPlane?.server}  (admin kubeconfig: ${stack.controlPlane?.adminKubeconfig})

Talk to it from another terminal, as one of: ${users}
  npm run slack -- "/n3r help"
  npm run slack -- "/n3r ns create team-a-web --cluster pub-local-a --team team-a"
  npm run slack -- --as mallory "/n3r ns create team-a-api --cluster pub-local-a --team team-a"

Ctrl-C stops everything.
`);
} catch (error) {
  process.stderr.write(`[n3r] start failed: ${(error as Error).message}\n`);
  await shutdown(1);
}

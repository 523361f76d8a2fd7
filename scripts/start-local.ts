// Runs the product locally (see start.sh): the stack, the Slack emulator, and `src/main.ts` as a child
// process configured exactly as a deployment would be, through its environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { localRegistryPath } from '../devtools/local-paths.js';
import { SlackEmulator } from '../devtools/slack-emulator/slack-emulator.js';
import { localWorkspace } from '../devtools/workspace/local-workspace.js';
import { WorkspaceServer } from '../devtools/workspace/workspace-server.js';
import { loadClusterRegistry } from '../src/config/cluster-registry.js';
import { startLocalPair } from './local-stack/extra-clusters.js';
import { withLocalLogStores } from './local-stack/log-store-registry.js';
import { freePort, ProcessGroup, waitUntil } from './local-stack/processes.js';
import { projectRoot, startLocalStack } from './local-stack/stack.js';

const stack = await startLocalStack();
// `npm start -- --ha`: the public region pair's other three clusters get apiservers of their own.
const pairGroup = new ProcessGroup(stack.stateDir);
const emulator = new SlackEmulator(localWorkspace());
// The checked-in registry plus the log stores' ports of this run.
const registryPath = join(stack.stateDir, 'registry.yaml');
writeFileSync(registryPath, stringify(withLocalLogStores(loadClusterRegistry(localRegistryPath), stack)));
let bot: ChildProcess | null = null;
let workspace: WorkspaceServer | null = null;

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  if (bot && bot.exitCode === null) {
    bot.kill('SIGTERM');
    await once(bot, 'exit');
  }
  await workspace?.stop();
  await emulator.stop();
  await pairGroup.stopAll();
  await stack.stop();
  process.exit(code);
};
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

// The bot's own HTTP endpoint gets a known port, so Alertmanager's webhook can point at it.
const opsPort = await freePort();
const alertWebhookToken = randomBytes(24).toString('hex');
const alertWebhookUrl = `http://127.0.0.1:${opsPort}/webhooks/alertmanager`;

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
  // The browser workspace, drawn from the emulator; its sample alert goes to the bot's webhook.
  workspace = new WorkspaceServer(emulator, {
    alertWebhook: { url: alertWebhookUrl, token: alertWebhookToken },
  });
  const workspaceUrl = await workspace.start(Number(process.env.N3R_WORKSPACE_PORT ?? 0));
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
      N3R_HTTP_PORT: String(opsPort),
      N3R_ALERT_WEBHOOK_TOKEN: alertWebhookToken,
      REDIS_URL: stack.redisUrl,
      N3R_REGISTRY: registryPath,
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
  await stack.alertmanager?.configure({
    webhookUrl: alertWebhookUrl,
    bearerToken: alertWebhookToken,
  });

  mkdirSync(join(projectRoot, '.n3r'), { recursive: true });
  writeFileSync(
    join(projectRoot, '.n3r/local.json'),
    JSON.stringify(
      {
        emulatorUrl: emulator.url,
        adminKubeconfig: stack.controlPlane?.adminKubeconfig,
        workspaceUrl,
        alertmanagerUrl: stack.alertmanager?.url,
      },
      null,
      2,
    ),
  );
  const users = localWorkspace()
    .users.map((u) => u.name)
    .join(', ');
  process.stdout.write(`
N3R ChatOps is running locally.
  Workspace       ${workspaceUrl}   <- open this in a browser
  Slack emulator  ${emulator.url}
  Redis           ${stack.redisUrl}
  Kubernetes      ${stack.controlPlane?.server}  (admin kubeconfig: ${stack.controlPlane?.adminKubeconfig})
  Alertmanager    ${stack.alertmanager?.url}  (its webhook goes to the bot; fire alerts with POST /api/v2/alerts)
  VictoriaLogs    ${stack.victoriaLogsUrl}  (access logs)
  OpenSearch      ${stack.openSearchUrl}  (audit logs, index audit-*)

In the browser: pick who you are (${users}), type /n3r commands or @n3r in a channel, approve
in #n3r-approvals, open the app's Home tab, fire a sample alert. Or from another terminal:
  npm run slack -- "/n3r help"
  npm run slack -- "/n3r ns create team-a-web --cluster pub-local-a --team team-a"
  npm run slack -- --as mallory "/n3r ns create team-a-api --cluster pub-local-a --team team-a"

Ctrl-C stops everything.
`);
} catch (error) {
  process.stderr.write(`[n3r] start failed: ${(error as Error).message}\n`);
  await shutdown(1);
}

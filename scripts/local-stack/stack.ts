import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningAlertmanager, startAlertmanager } from './alertmanager.js';
import { type ControlPlane, startControlPlane } from './control-plane.js';
import { startOpenSearch } from './opensearch.js';
import { ProcessGroup } from './processes.js';
import { startRedis } from './redis.js';
import { ensureTools, type ToolPaths } from './tools.js';
import { startVictoriaLogs } from './victorialogs.js';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface LocalStack {
  redisUrl: string;
  controlPlane: ControlPlane | null;
  /** A real Alertmanager; its webhook points nowhere until `configure` names the bot's. */
  alertmanager: RunningAlertmanager | null;
  /** The log stores `/n3r logs` reads, when started (`logStores`, on by default). */
  victoriaLogsUrl: string | null;
  openSearchUrl: string | null;
  tools: ToolPaths;
  stateDir: string;
  pids: Record<string, number | undefined>;
  stop(): Promise<void>;
}

/**
 * Starts the services the bot needs on loopback, each on a free port, in a fresh state directory.
 * `stop()` ends exactly the processes it started, by PID, and removes the state.
 */
export async function startLocalStack(
  options: {
    controlPlane?: boolean;
    /** @defaultValue true */
    alertmanager?: boolean;
    logStores?: boolean;
    progress?: (line: string) => void;
    keepState?: boolean;
  } = {},
): Promise<LocalStack> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`[n3r] ${line}\n`));
  const started = Date.now();
  const tools = await ensureTools(projectRoot);
  const stateDir = mkdtempSync(join(tmpdir(), 'n3r-stack-'));
  const group = new ProcessGroup(stateDir);
  const stop = async () => {
    await group.stopAll();
    if (!options.keepState) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const redisUrl = await startRedis(group, tools.redisServer, stateDir);
    progress(`redis ready at ${redisUrl}`);
    const logStores = options.logStores !== false;
    // OpenSearch is started first and waited for last: its JVM start overlaps the control plane's.
    const openSearch = logStores
      ? await startOpenSearch(
          group,
          { java: tools.java, classpath: tools.openSearchClasspath, launcher: tools.openSearchLauncher },
          stateDir,
        )
      : null;
    const victoriaLogsUrl = logStores ? await startVictoriaLogs(group, tools.victoriaLogs, stateDir) : null;
    if (victoriaLogsUrl) progress(`victorialogs ready at ${victoriaLogsUrl}`);
    const controlPlane =
      options.controlPlane === false
        ? null
        : await startControlPlane({
            group,
            binaries: {
              etcd: tools.etcd,
              kubeBinDir: tools.kubeBinDir,
              kwok: tools.kwok,
              kwokStages: tools.kwokStages,
            },
            stateDir,
            crdDir: resolve(projectRoot, '../shared/crds'),
            rbacDir: join(projectRoot, 'deploy/rbac'),
            progress,
          });
    if (openSearch) {
      await openSearch.ready;
      progress(`opensearch ready at ${openSearch.url}`);
    }
    const alertmanager =
      options.alertmanager === false ? null : await startAlertmanager(group, tools.alertmanager, stateDir);
    if (alertmanager) progress(`alertmanager ready at ${alertmanager.url}`);
    progress(`local stack up in ${((Date.now() - started) / 1000).toFixed(1)}s (state in ${stateDir})`);
    return {
      redisUrl,
      controlPlane,
      victoriaLogsUrl,
      openSearchUrl: openSearch?.url ?? null,
      alertmanager,
      tools,
      stateDir,
      pids: group.pids(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

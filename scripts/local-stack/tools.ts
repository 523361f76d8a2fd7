import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ToolPaths {
  redisServer: string;
  opa: string;
  /** Regal, the Rego linter. */
  regal: string;
  etcd: string;
  kubeBinDir: string;
  kwok: string;
  kwokStages: string;
  alertmanager: string;
  victoriaLogs: string;
  /** File holding the embedded OpenSearch node's Java classpath. */
  openSearchClasspath: string;
  /** The single-file Java launcher of that node. */
  openSearchLauncher: string;
  java: string;
}

/** Runs scripts/ensure-tools.sh (builds what is missing, instant when warm) and reads the paths it prints. */
export async function ensureTools(root: string): Promise<ToolPaths> {
  const child = run('bash', [join(root, 'scripts/ensure-tools.sh')], { maxBuffer: 1 << 20 });
  child.child.stderr?.pipe(process.stderr);
  const { stdout } = await child;
  const values = new Map(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
  const get = (key: string) => {
    const value = values.get(key);
    if (!value) throw new Error(`scripts/ensure-tools.sh did not report ${key}`);
    return value;
  };
  return {
    redisServer: get('N3R_REDIS_SERVER'),
    opa: get('N3R_OPA'),
    regal: get('N3R_REGAL'),
    etcd: get('N3R_ETCD'),
    kubeBinDir: get('N3R_KUBE_BIN_DIR'),
    kwok: get('N3R_KWOK'),
    kwokStages: get('N3R_KWOK_STAGES'),
    alertmanager: get('N3R_ALERTMANAGER'),
    victoriaLogs: get('N3R_VICTORIALOGS'),
    openSearchClasspath: get('N3R_OPENSEARCH_CLASSPATH'),
    openSearchLauncher: get('N3R_OPENSEARCH_LAUNCHER'),
    java: get('N3R_JAVA'),
  };
}

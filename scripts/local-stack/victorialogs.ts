import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type ProcessGroup, waitUntil } from './processes.js';

/**
 * VictoriaLogs on a free loopback port with its data in the stack's state directory. It sends nothing
 * anywhere (no telemetry in this build); retention is long so seeded lines of any date stay queryable.
 */
export async function startVictoriaLogs(
  group: ProcessGroup,
  binary: string,
  stateDir: string,
): Promise<string> {
  const port = await freePort();
  const dir = join(stateDir, 'victorialogs');
  mkdirSync(dir, { recursive: true });
  const started = group.start('victorialogs', binary, [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${dir}`,
    '-retentionPeriod=100y',
    '-futureRetention=100y',
    '-loggerLevel=WARN',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('victorialogs', async () => (await fetch(`${url}/health`)).ok, {
    timeoutMs: 30_000,
    process: started,
  });
  return url;
}

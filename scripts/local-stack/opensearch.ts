import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type ProcessGroup, waitUntil } from './processes.js';

export interface OpenSearchBinaries {
  java: string;
  /** File with the node's classpath (from Maven). */
  classpath: string;
  /** The single-file Java launcher (tools/opensearch/N3rOpenSearchNode.java). */
  launcher: string;
}

/**
 * One embedded OpenSearch node on free loopback ports, heap 512m, disk thresholds off. Returns at once
 * with a promise of its readiness (cluster health yellow), so the slow JVM start overlaps other services.
 */
export async function startOpenSearch(
  group: ProcessGroup,
  binaries: OpenSearchBinaries,
  stateDir: string,
): Promise<{ url: string; ready: Promise<void> }> {
  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const dir = join(stateDir, 'opensearch');
  mkdirSync(dir, { recursive: true });
  const classpath = readFileSync(binaries.classpath, 'utf8').trim();
  const started = group.start('opensearch', binaries.java, [
    '-Xms512m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    // C1 only: the node starts in about half the time on two busy cores; a test node needs no peak speed.
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    '-cp',
    classpath,
    binaries.launcher,
    dir,
    String(httpPort),
    String(transportPort),
  ]);
  const url = `http://127.0.0.1:${httpPort}`;
  const ready = waitUntil(
    'opensearch',
    async () => {
      const health = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`);
      const status = ((await health.json()) as { status?: string }).status;
      return health.ok && (status === 'yellow' || status === 'green');
    },
    { timeoutMs: 180_000, process: started },
  );
  // Observed later; until then a failure must not count as unhandled.
  ready.catch(() => undefined);
  return { url, ready };
}

import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { freePort, type ProcessGroup, type Started, waitUntil } from '../../scripts/local-stack/processes.js';
import type { PolicyInput } from '../../src/core/decision.js';
import { entrypoint } from './bundle.js';
import { itemAt, type LabelledInput } from './inputs.js';
import { type LatencySummary, round, summarise, summariseByLabel } from './stats.js';

export interface OpaServer {
  port: number;
  started: Started;
  agent: Agent;
}

/**
 * `opa run --server` on loopback with the bench bundle. Access and decision logs are off: the point is the
 * cost of evaluation plus transport, not of logging. GOMAXPROCS=1 and `taskset -c <core>` when available.
 */
export async function startOpaServer(options: {
  group: ProcessGroup;
  opa: string;
  bundle: string;
  core: number | null;
}): Promise<OpaServer> {
  const port = await freePort();
  const args = [
    'run',
    '--server',
    '--addr',
    `127.0.0.1:${port}`,
    '--log-level',
    'error',
    '--skip-version-check',
    '--bundle',
    options.bundle,
  ];
  const env = { ...process.env, GOMAXPROCS: '1' };
  const started =
    options.core === null
      ? options.group.start('opa-server', options.opa, args, env)
      : options.group.start('opa-server', 'taskset', ['-c', String(options.core), options.opa, ...args], env);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await waitUntil('opa server', async () => (await call(agent, port, 'GET', '/health')).status === 200, {
    timeoutMs: 30_000,
    process: started,
  });
  return { port, started, agent };
}

/** The decision document the server returns for one input (undefined when the rule is undefined). */
export async function queryDecision(server: OpaServer, input: PolicyInput): Promise<unknown> {
  const response = await call(
    server.agent,
    server.port,
    'POST',
    `/v1/data/${entrypoint}`,
    JSON.stringify({ input }),
  );
  if (response.status !== 200) {
    throw new Error(`opa server answered HTTP ${response.status}: ${response.body}`);
  }
  return (JSON.parse(response.body) as { result?: unknown }).result;
}

export interface RestRun {
  latency: LatencySummary;
  byLabel: Record<string, LatencySummary>;
  decisionsPerSecond: number;
  /** CPU both sides spent per decision: the client (this process) and the server (from /proc). */
  cpuUsPerDecision: { client: number; server: number; total: number } | null;
}

/** Sequential requests over one keep-alive connection, each timed from serialising to parsed answer. */
export async function timeRequests(
  server: OpaServer,
  pool: readonly LabelledInput[],
  labels: readonly string[],
  options: { warmup: number; samples: number },
): Promise<RestRun> {
  for (let i = 0; i < options.warmup; i++) await queryDecision(server, itemAt(pool, i).input);
  const durations = new Float64Array(options.samples);
  const labelIndex = new Uint8Array(options.samples);
  const labelOf = pool.map((item) => labels.indexOf(item.label));
  const pid = server.started.child.pid;
  const serverCpuBefore = pid === undefined ? null : await processCpuUs(pid);
  const clientCpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < options.samples; i++) {
    const t0 = process.hrtime.bigint();
    await queryDecision(server, itemAt(pool, i).input);
    durations[i] = Number(process.hrtime.bigint() - t0);
    labelIndex[i] = labelOf[i % pool.length] ?? 0;
  }
  const wallNs = Number(process.hrtime.bigint() - started);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfter = pid === undefined ? null : await processCpuUs(pid);
  const client = (clientCpu.user + clientCpu.system) / options.samples;
  const serverUs =
    serverCpuBefore === null || serverCpuAfter === null
      ? null
      : (serverCpuAfter - serverCpuBefore) / options.samples;
  return {
    latency: summarise(durations),
    byLabel: summariseByLabel(durations, labelIndex, labels),
    decisionsPerSecond: Math.round(options.samples / (wallNs / 1e9)),
    cpuUsPerDecision:
      serverUs === null
        ? null
        : { client: round(client, 2), server: round(serverUs, 2), total: round(client + serverUs, 2) },
  };
}

/** User + system CPU of a whole process, all threads, from /proc (USER_HZ is 100 on Linux). */
async function processCpuUs(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function call(
  agent: Agent,
  port: number,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        timeout: 5_000,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

// Measuring helpers for the pipeline benchmark: latency summaries, CPU per process, apiserver requests.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';

/** Latency of one series in milliseconds; nearest-rank percentiles over the sorted samples. */
export interface LatencyMs {
  samples: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summariseMs(values: readonly number[]): LatencyMs {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) throw new Error('no samples to summarise');
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? Number.NaN;
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    samples: n,
    meanMs: r(sorted.reduce((a, b) => a + b, 0) / n),
    p50Ms: r(at(0.5)),
    p90Ms: r(at(0.9)),
    p99Ms: r(at(0.99)),
    maxMs: r(sorted[n - 1] ?? Number.NaN),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null when it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return null;
  }
}

/** Reads CPU seconds of named processes now; the returned function gives the seconds used since. */
export async function cpuMeter(
  pids: Record<string, number | undefined>,
): Promise<() => Promise<Record<string, number>>> {
  const read = async () => {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      if (pid === undefined) continue;
      const seconds = name === 'bench (bot + emulator + driver)' ? selfCpu() : await cpuSecondsOf(pid);
      if (seconds !== null) out[name] = seconds;
    }
    return out;
  };
  const before = await read();
  return async () => {
    const after = await read();
    return Object.fromEntries(
      Object.entries(after).map(([name, s]) => [name, Math.round((s - (before[name] ?? 0)) * 100) / 100]),
    );
  };
}

function selfCpu(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

/**
 * `apiserver_request_total` summed by verb and resource, read from the apiserver's /metrics with the
 * admin client certificate. The difference of two readings is the requests made in between.
 */
export async function apiserverRequests(server: string, pkiDir: string): Promise<Record<string, number>> {
  const [ca, cert, key] = await Promise.all(
    ['ca.crt', 'admin.crt', 'admin.key'].map((f) => readFile(join(pkiDir, f))),
  );
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(`${server}/metrics`, { ca, cert, key }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  const totals: Record<string, number> = {};
  for (const line of body.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    const label = (name: string) => new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels)?.[1] ?? '';
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const key = `${label('verb')} ${label('resource')}${label('subresource') ? `/${label('subresource')}` : ''}`;
    totals[key] = (totals[key] ?? 0) + value;
  }
  return totals;
}

/**
 * Waits until nothing writes to the apiserver (no create, update, patch, apply or delete) for `quietMs`:
 * the controllers have finished what a phase left them (service accounts, root CA config maps, quota
 * status for each new namespace), so that work is not billed to the next phase. Returns the seconds
 * waited; gives up after `timeoutMs`.
 */
export async function waitForQuietApiserver(
  read: () => Promise<Record<string, number>>,
  options: { quietMs?: number; timeoutMs?: number } = {},
): Promise<number> {
  const quietMs = options.quietMs ?? 3000;
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 120_000);
  const writes = async () =>
    Object.entries(await read())
      .filter(([key]) => /^(POST|PUT|PATCH|APPLY|DELETE) /.test(key) && !key.endsWith(' leases'))
      .reduce((sum, [, n]) => sum + n, 0);
  let last = await writes();
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await writes();
    if (now !== last) quietSince = Date.now();
    last = now;
  }
  return Math.round((Date.now() - started) / 100) / 10;
}

export function difference(after: Record<string, number>, before: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta > 0) out[key] = delta;
  }
  return out;
}

/** Runs `work` for items 0..count-1 with `concurrency` loops, each taking the next index. */
export async function pool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

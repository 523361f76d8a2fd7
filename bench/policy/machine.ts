import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const pinnedVariable = 'N3R_BENCH_PINNED';

export interface Pinning {
  /** Core the benchmark process (and `opa bench`) runs on; null when taskset is missing. */
  benchCore: number | null;
  /** Core of `opa run --server`: the other core when there is one, so client and server do not share. */
  serverCore: number | null;
  note: string;
}

/**
 * Re-runs this script under `taskset -c 0` with `--expose-gc` unless that is already done; answers the
 * pinning of the current process. Returns null in the parent, which only waits for the child.
 */
export async function pinOrReexec(): Promise<Pinning | null> {
  const state = process.env[pinnedVariable];
  if (state !== undefined) return pinning(state === 'taskset');
  const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  const nodeArgs = ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)];
  const child = spawn(
    hasTaskset ? 'taskset' : process.execPath,
    hasTaskset ? ['-c', '0', process.execPath, ...nodeArgs] : nodeArgs,
    { stdio: 'inherit', env: { ...process.env, [pinnedVariable]: hasTaskset ? 'taskset' : 'none' } },
  );
  // A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exitCode = code ?? 1;
  return null;
}

function pinning(hasTaskset: boolean): Pinning {
  if (!hasTaskset) {
    return {
      benchCore: null,
      serverCore: null,
      note: 'taskset (util-linux) was not found: nothing is pinned; Go processes still run with GOMAXPROCS=1',
    };
  }
  const serverCore = cpus().length > 1 ? 1 : 0;
  return {
    benchCore: 0,
    serverCore,
    note:
      serverCore === 1
        ? 'node (engine, REST client) and opa bench on core 0; opa run --server on core 1; GOMAXPROCS=1'
        : 'one core only: everything on core 0; GOMAXPROCS=1',
  };
}

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cpus: number;
  kernel: string;
  memoryGiB: number;
  node: string;
  opa: string;
  opaWasm: string;
  gitHead: string | null;
  /** Uncommitted changes under policies/ and src/policy/ when the bench ran (other work in progress). */
  gitDirty: string[];
}

export async function machineInfo(projectRoot: string, opa: string): Promise<MachineInfo> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const { stdout: opaVersion } = await run(opa, ['version']);
  const wasmPackage = JSON.parse(
    await readFile(`${projectRoot}/node_modules/@open-policy-agent/opa-wasm/package.json`, 'utf8'),
  ) as { version: string };
  const git = (args: string[]) =>
    run('git', args, { cwd: projectRoot }).then(
      (r) => r.stdout.trimEnd(),
      () => null,
    );
  const dirty = await git(['status', '--porcelain', '--', 'policies', 'src/policy']);
  return {
    date: new Date().toISOString(),
    cpuModel: model.trim(),
    cpus: cpus().length,
    kernel: release(),
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    opa: /^Version:\s*(\S+)/m.exec(opaVersion)?.[1] ?? 'unknown',
    opaWasm: wasmPackage.version,
    gitHead: (await git(['rev-parse', 'HEAD']))?.trim() ?? null,
    gitDirty: dirty ? dirty.split('\n') : [],
  };
}

export interface CoreUsage {
  seconds: number;
  /** Share of each core's time spent busy (anything not idle or iowait), by any process. */
  busyPercentByCore: Record<string, number>;
  /** CPU of the bench: this process and its children that have exited (opa bench, the stopped server). */
  benchPercent: number;
  /** The rest of the busy time, other processes', in % of one core: above ~10% the numbers are noisy. */
  othersPercent: number;
  loadAverage1m: number;
}

/**
 * Watches how busy every core is during a phase. The cores are pinned but not isolated, so another
 * process can still run on them.
 */
export async function watchCores(): Promise<() => Promise<CoreUsage>> {
  const before = await coreTimes();
  const ownBefore = await ownTicks();
  const started = process.hrtime.bigint();
  return async () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = await coreTimes();
    const own = (await ownTicks()) - ownBefore;
    const busyPercentByCore: Record<string, number> = {};
    let busy = 0;
    let elapsed = 0;
    for (const [core, a] of after) {
      const b = before.get(core);
      if (!b || a.total === b.total) continue;
      busyPercentByCore[core] = Math.round((100 * (a.busy - b.busy)) / (a.total - b.total));
      busy += a.busy - b.busy;
      elapsed = Math.max(elapsed, a.total - b.total);
    }
    const percent = (ticks: number) => (elapsed === 0 ? 0 : Math.round((100 * ticks) / elapsed));
    return {
      seconds: Math.round(seconds * 10) / 10,
      busyPercentByCore,
      benchPercent: percent(own),
      othersPercent: percent(Math.max(0, busy - own)),
      loadAverage1m: loadavg()[0] ?? 0,
    };
  };
}

/** utime + stime + cutime + cstime of this process, in clock ticks like /proc/stat. */
async function ownTicks(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
}

async function coreTimes(): Promise<Map<string, { busy: number; total: number }>> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => '');
  const out = new Map<string, { busy: number; total: number }>();
  for (const line of stat.split('\n')) {
    const match = /^(cpu\d+)\s+(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    const values = match[2].split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal; guest time is already counted in user.
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    out.set(match[1], { busy: total - idle, total });
  }
  return out;
}

export interface QuietWait {
  waitedSeconds: number;
  quiet: boolean;
  /** Core load just before the run started, with the bench itself idle: other processes only. */
  busyPercentByCore: Record<string, number>;
}

/**
 * Waits, at most `maxWaitMs`, for a 2 s window in which no core is busier than `thresholdPercent`: on a
 * shared machine, starting while someone else's tests run makes every number noisy.
 */
export async function waitForQuiet(maxWaitMs: number, thresholdPercent: number): Promise<QuietWait> {
  const started = Date.now();
  for (;;) {
    const stop = await watchCores();
    await sleep(2_000);
    const { busyPercentByCore } = await stop();
    const quiet = Math.max(0, ...Object.values(busyPercentByCore)) <= thresholdPercent;
    if (quiet || Date.now() - started >= maxWaitMs) {
      return { waitedSeconds: Math.round((Date.now() - started) / 1000), quiet, busyPercentByCore };
    }
  }
}

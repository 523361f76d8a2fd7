import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { PolicyInput } from '../../src/core/decision.js';
import type { OpaPolicyEngine } from '../../src/policy/opa-policy-engine.js';
import type { PolicyBundle } from '../../src/policy/policy-bundle.js';
import { clusterType } from './bundle.js';
import { itemAt, type LabelledInput } from './inputs.js';
import { type LatencySummary, percentGrowth, round, summarise, summariseByLabel } from './stats.js';

export interface TimedRun {
  latency: LatencySummary;
  byLabel: Record<string, LatencySummary>;
  /** Timed decisions over the wall time of the timed loop, clock reads included. */
  decisionsPerSecond: number;
  cpuUsPerDecision: number;
  allowed: number;
}

/** Runs `call` over the pool, round robin, timing each call with the monotonic clock. */
export function timeCalls(
  pool: readonly LabelledInput[],
  labels: readonly string[],
  options: { warmup: number; samples: number },
  call: (input: PolicyInput) => boolean,
): TimedRun {
  const labelOf = pool.map((item) => labels.indexOf(item.label));
  for (let i = 0; i < options.warmup; i++) call(itemAt(pool, i).input);
  const durations = new Float64Array(options.samples);
  const labelIndex = new Uint8Array(options.samples);
  let allowed = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < options.samples; i++) {
    const item = itemAt(pool, i);
    const t0 = process.hrtime.bigint();
    if (call(item.input)) allowed++;
    durations[i] = Number(process.hrtime.bigint() - t0);
    labelIndex[i] = labelOf[i % pool.length] ?? 0;
  }
  const wallNs = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    latency: summarise(durations),
    byLabel: summariseByLabel(durations, labelIndex, labels),
    decisionsPerSecond: Math.round(options.samples / (wallNs / 1e9)),
    cpuUsPerDecision: round((cpu.user + cpu.system) / options.samples, 2),
    allowed,
  };
}

/** What one clock read costs; each timed call includes about one, so it can be subtracted. */
export function clockOverheadNs(): number {
  const n = 100_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) process.hrtime.bigint();
  return round(Number(process.hrtime.bigint() - started) / n, 1);
}

export interface MemorySample {
  evaluations: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  wasmMemoryBytes: number;
}

export interface SoakResult {
  evaluations: number;
  gcForced: boolean;
  seconds: number;
  decisionsPerSecond: number;
  samples: MemorySample[];
  growthPercent: { rss: number; heapUsed: number; wasmMemory: number };
}

/** `total` decisions with varied inputs, memory read (after a forced GC when available) every `every`. */
export function soak(
  engine: OpaPolicyEngine,
  bundle: PolicyBundle,
  pool: readonly LabelledInput[],
  options: { total: number; every: number },
): SoakResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = (evaluations: number): MemorySample => {
    gc?.();
    const m = process.memoryUsage();
    return {
      evaluations,
      rssBytes: m.rss,
      heapUsedBytes: m.heapUsed,
      externalBytes: m.external,
      wasmMemoryBytes: bundle.policy.mem.buffer.byteLength,
    };
  };
  const samples = [sample(0)];
  const started = process.hrtime.bigint();
  let pausedNs = 0n;
  for (let done = 0; done < options.total; ) {
    const end = Math.min(options.total, done + options.every);
    for (; done < end; done++) engine.decide(clusterType, itemAt(pool, done).input);
    const pause = process.hrtime.bigint();
    samples.push(sample(done));
    pausedNs += process.hrtime.bigint() - pause;
  }
  const seconds = Number(process.hrtime.bigint() - started - pausedNs) / 1e9;
  const first = samples[0] as MemorySample;
  const last = samples.at(-1) as MemorySample;
  return {
    evaluations: options.total,
    gcForced: gc !== undefined,
    seconds: round(seconds, 2),
    decisionsPerSecond: Math.round(options.total / seconds),
    samples,
    growthPercent: {
      rss: percentGrowth(first.rssBytes, last.rssBytes),
      heapUsed: percentGrowth(first.heapUsedBytes, last.heapUsedBytes),
      wasmMemory: percentGrowth(first.wasmMemoryBytes, last.wasmMemoryBytes),
    },
  };
}

export interface ReloadResult {
  reloads: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** Longest event-loop stall seen while reloading: the synchronous part (JSON.parse, setData). */
  eventLoopMaxStallMs: number;
  wasmMemoryBytes: number;
  /** Decisions on the reloaded bundle, to show whether the data size changes evaluation time. */
  afterReload: LatencySummary;
}

/** Time of `load` + `engine.install`; with `loadPolicyBundle`, the path a bundle update takes in the bot. */
export async function reloads(
  engine: OpaPolicyEngine,
  load: () => Promise<PolicyBundle>,
  pool: readonly LabelledInput[],
  count: number,
): Promise<ReloadResult> {
  const times: number[] = [];
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  let bundle: PolicyBundle | undefined;
  stalls.enable();
  // The monitor records a stall when its timer next fires: let it tick before the first reload and after
  // the last, or those stalls go unseen.
  await sleep(20);
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    bundle = await load();
    engine.install(bundle);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await sleep(20);
  stalls.disable();
  if (!bundle) throw new Error('no reload was run');
  const run = timeCalls(pool, [], { warmup: 2_000, samples: 20_000 }, (input) => {
    return engine.decide(clusterType, input).allow;
  });
  return {
    reloads: count,
    meanMs: round(times.reduce((a, b) => a + b, 0) / count, 2),
    minMs: round(Math.min(...times), 2),
    maxMs: round(Math.max(...times), 2),
    eventLoopMaxStallMs: round(stalls.max / 1e6, 1),
    wasmMemoryBytes: bundle.policy.mem.buffer.byteLength,
    afterReload: run.latency,
  };
}

/** Bytes of wasm heap per byte of data.json that setData needed in this bench (≈9×), with headroom. */
const heapPerDataByte = 10;

/**
 * A candidate loader, not the bot's: the wasm memory sized for the data up front, and the data handed to
 * opa-wasm as the JSON bytes. With the default 5 pages, setData grows the memory step by step and V8
 * collects garbage at many of the steps, which makes reloads of large data slow.
 */
export async function loadPresizedBundle(dir: string): Promise<PolicyBundle> {
  const base = join(dir, clusterType);
  const [wasm, data, manifest] = await Promise.all([
    readFile(join(base, 'policy.wasm')),
    readFile(join(base, 'data.json')),
    readFile(join(base, '.manifest'), 'utf8'),
  ]);
  const { revision } = JSON.parse(manifest) as { revision: string };
  const policy = await loadPolicy(wasm, Math.ceil((data.byteLength * heapPerDataByte) / 65_536) + 5);
  policy.setData(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  return { clusterType, revision, policy };
}

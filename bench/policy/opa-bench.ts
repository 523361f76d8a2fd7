import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { entrypoint } from './bundle.js';
import type { LabelledInput } from './inputs.js';
import { round } from './stats.js';

const run = promisify(execFile);

/** Go's testing.BenchmarkResult as `opa bench --format json` prints it. */
interface GoBenchmarkResult {
  N: number;
  T: number;
  MemAllocs: number;
  MemBytes: number;
  Extra?: Record<string, number>;
}

export interface OpaBenchRun {
  label: string;
  iterations: number;
  nsPerOp: number;
  decisionsPerSecond: number;
  bytesPerOp: number;
  allocsPerOp: number;
  /** From OPA's rego_query_eval histogram: a 1028-value exponentially decaying sample, not every call. */
  queryEvalUs: { p50: number; p90: number; p99: number; p999: number; max: number } | null;
}

export interface OpaBenchResult {
  perInput: OpaBenchRun[];
  /** ns/op averaged over the inputs, weighted by how often each label occurs in the input pool. */
  mixNsPerOp: number;
  mixDecisionsPerSecond: number;
}

/**
 * `opa bench` (Go evaluator, prepared query, one input per run) on one input of each label. It times only
 * evaluation: no HTTP, no JSON of the input or the answer.
 */
export async function opaBench(options: {
  opa: string;
  bundle: string;
  pool: readonly LabelledInput[];
  workDir: string;
  core: number | null;
}): Promise<OpaBenchResult> {
  const perInput: OpaBenchRun[] = [];
  const weights = new Map<string, number>();
  for (const item of options.pool) weights.set(item.label, (weights.get(item.label) ?? 0) + 1);
  for (const label of weights.keys()) {
    const item = options.pool.find((i) => i.label === label);
    if (!item) continue;
    const file = join(options.workDir, `input-${label.replace(/[^a-z0-9]+/gi, '-')}.json`);
    await writeFile(file, JSON.stringify(item.input));
    const args = [
      'bench',
      '--format',
      'json',
      '-b',
      options.bundle,
      '--input',
      file,
      `data.${entrypoint.replaceAll('/', '.')}`,
    ];
    const command = options.core === null ? options.opa : 'taskset';
    const commandArgs = options.core === null ? args : ['-c', String(options.core), options.opa, ...args];
    const { stdout } = await run(command, commandArgs, {
      env: { ...process.env, GOMAXPROCS: '1' },
      maxBuffer: 16 << 20,
      timeout: 120_000,
    });
    perInput.push(toRun(label, JSON.parse(stdout) as GoBenchmarkResult));
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const mixNsPerOp = perInput.reduce((sum, r) => sum + (r.nsPerOp * (weights.get(r.label) ?? 0)) / total, 0);
  return {
    perInput,
    mixNsPerOp: Math.round(mixNsPerOp),
    mixDecisionsPerSecond: Math.round(1e9 / mixNsPerOp),
  };
}

function toRun(label: string, result: GoBenchmarkResult): OpaBenchRun {
  const nsPerOp = result.T / result.N;
  const extra = result.Extra ?? {};
  const hist = (suffix: string) => extra[`histogram_timer_rego_query_eval_ns_${suffix}`];
  const p50 = hist('median');
  return {
    label,
    iterations: result.N,
    nsPerOp: Math.round(nsPerOp),
    decisionsPerSecond: Math.round(1e9 / nsPerOp),
    bytesPerOp: Math.round(result.MemBytes / result.N),
    allocsPerOp: Math.round(result.MemAllocs / result.N),
    queryEvalUs:
      p50 === undefined
        ? null
        : {
            p50: us(p50),
            p90: us(hist('90%')),
            p99: us(hist('99%')),
            p999: us(hist('99.9%')),
            max: us(hist('max')),
          },
  };
}

function us(ns: number | undefined): number {
  return ns === undefined ? Number.NaN : round(ns / 1000, 2);
}

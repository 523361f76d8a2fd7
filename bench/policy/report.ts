import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpaPolicyEngine } from '../../src/policy/opa-policy-engine.js';
import { clusterType, type DataScale } from './bundle.js';
import type { ReloadResult, SoakResult, TimedRun } from './engine.js';
import type { LabelledInput } from './inputs.js';
import type { CoreUsage, MachineInfo, Pinning, QuietWait } from './machine.js';
import type { OpaBenchResult } from './opa-bench.js';
import type { RestRun } from './rest.js';
import { type LatencySummary, round } from './stats.js';

export interface LabelOutcome {
  inputs: number;
  allowed: number;
  denyRules: Record<string, number>;
}

export interface Target {
  source: string;
  goal: string;
  measured: string;
  met: boolean;
  /** How far off a missed target is, in words; null when met. */
  gap: string | null;
}

export interface BenchResults {
  schema: 1;
  quick: boolean;
  durationSeconds: number;
  machine: MachineInfo;
  pinning: Pinning;
  quietWait: QuietWait;
  /** How busy each core was during each phase, by anyone: the machine is shared. */
  contention: Record<string, CoreUsage & { attempts: number }>;
  plan: unknown;
  data: {
    namespaces: Record<DataScale, number>;
    dataJsonBytes: Record<DataScale, number>;
    revision: string;
    policyDir: string;
    inputPool: { size: number; outcomes: Record<string, LabelOutcome> };
  };
  engine: { clockOverheadNs: number; decide: TimedRun; rawEvaluate: TimedRun };
  rest: RestRun & { agreement: { checked: number; mismatches: string[] } };
  opaBench: OpaBenchResult;
  memory: SoakResult;
  /** `bot`: loadPolicyBundle as the bot loads; `presized`: the candidate loader (bench/policy/engine.ts). */
  reload: Record<DataScale, { bot: ReloadResult; presized: ReloadResult; sameDecisions: boolean }>;
  targets: Target[];
}

/** What the bundle decides for each label of the pool: shows which kinds it evaluates for real. */
export function outcomes(
  engine: OpaPolicyEngine,
  pool: readonly LabelledInput[],
): Record<string, LabelOutcome> {
  const out: Record<string, LabelOutcome> = {};
  for (const item of pool) {
    const decision = engine.decide(clusterType, item.input);
    out[item.label] ??= { inputs: 0, allowed: 0, denyRules: {} };
    const entry = out[item.label] as LabelOutcome;
    entry.inputs++;
    if (decision.allow) entry.allowed++;
    for (const d of decision.deny) entry.denyRules[d.rule] = (entry.denyRules[d.rule] ?? 0) + 1;
  }
  return out;
}

/** One hash of every input's allow and deny rule ids: equal digests mean the same decisions on the pool. */
export function decisionDigest(engine: OpaPolicyEngine, pool: readonly LabelledInput[]): string {
  const hash = createHash('sha256');
  for (const item of pool) {
    const decision = engine.decide(clusterType, item.input);
    hash.update(`${decision.allow}:${decision.deny.map((d) => d.rule).join(',')}\n`);
  }
  return hash.digest('hex');
}

/** The issue's targets, then the related goals of platform-limits.md §2.2 (P2, P3, P4). */
export function checkTargets(r: BenchResults): Target[] {
  const engine = r.engine.decide;
  const ratio = engine.decisionsPerSecond / r.rest.decisionsPerSecond;
  const p99Ratio = r.rest.latency.p99Us / engine.latency.p99Us;
  const growth = Math.max(r.memory.growthPercent.rss, r.memory.growthPercent.wasmMemory);
  const atMost = (measured: number, limit: number, unit: string): Pick<Target, 'met' | 'gap'> =>
    measured <= limit
      ? { met: true, gap: null }
      : { met: false, gap: `${fmt(measured - limit)} ${unit} over (${over(measured, limit)})` };
  const atLeast = (measured: number, floor: number, unit: string): Pick<Target, 'met' | 'gap'> =>
    measured >= floor
      ? { met: true, gap: null }
      : { met: false, gap: `${fmt(floor - measured)}${unit} short (needs ${fmt(floor / measured)}× more)` };
  return [
    {
      source: 'issue',
      goal: 'engine p99 ≤ 100 µs',
      measured: `${engine.latency.p99Us} µs`,
      ...atMost(engine.latency.p99Us, 100, 'µs'),
    },
    {
      source: 'issue',
      goal: 'engine decisions/s ≥ 10× REST',
      measured: `${fmt(ratio)}×`,
      ...atLeast(ratio, 10, '×'),
    },
    {
      source: 'issue, platform-limits P3',
      goal: 'memory growth ≤ 5% over 1M decisions (RSS and wasm memory)',
      measured: `RSS ${r.memory.growthPercent.rss}%, wasm ${r.memory.growthPercent.wasmMemory}%`,
      ...atMost(growth, 5, 'points'),
    },
    {
      source: 'platform-limits P2',
      goal: 'engine p50 ≤ 100 µs',
      measured: `${engine.latency.p50Us} µs`,
      ...atMost(engine.latency.p50Us, 100, 'µs'),
    },
    {
      source: 'platform-limits P2',
      goal: 'engine p99 ≤ 1 ms',
      measured: `${engine.latency.p99Us} µs`,
      ...atMost(engine.latency.p99Us, 1000, 'µs'),
    },
    {
      source: 'platform-limits P2',
      goal: 'engine ≥ 5,000 decisions/s on one core',
      measured: `${int(engine.decisionsPerSecond)}/s`,
      ...atLeast(engine.decisionsPerSecond, 5000, '/s'),
    },
    {
      source: 'platform-limits P2',
      goal: 'engine p99 ≥ 2× better than REST p99',
      measured: `${fmt(p99Ratio)}×`,
      ...atLeast(p99Ratio, 2, '×'),
    },
    {
      source: 'platform-limits P4',
      goal: 'reload of the 50× data ≤ 500 ms',
      measured: `${int(r.reload.x50.bot.meanMs)} ms mean, ${int(r.reload.x50.bot.maxMs)} ms max`,
      ...atMost(r.reload.x50.bot.maxMs, 500, 'ms'),
    },
  ];
}

const begin = '<!-- results:begin (generated by bench/policy/run.ts; edits here are overwritten) -->';
const end = '<!-- results:end -->';

/** bench/results/policy.json and the generated part of bench/README.md; a quick run only writes to /tmp. */
export async function writeResults(projectRoot: string, results: BenchResults): Promise<string> {
  const text = `${JSON.stringify(results, null, 2)}\n`;
  if (results.quick) {
    const file = join(tmpdir(), 'n3r-bench-policy-quick.json');
    await writeFile(file, text);
    return file;
  }
  const dir = join(projectRoot, 'bench/results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'policy.json'), text);
  const readmePath = join(projectRoot, 'bench/README.md');
  const readme = await readFile(readmePath, 'utf8').catch(() => `# Benchmarks\n\n${begin}\n${end}\n`);
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error('bench/README.md has lost its results markers');
  const section = `${begin}\n${renderSection(results)}\n${end}`;
  await writeFile(readmePath, readme.slice(0, from) + section + readme.slice(to + end.length));
  return join(dir, 'policy.json');
}

function renderSection(r: BenchResults): string {
  const e = r.engine.decide;
  const rest = r.rest;
  const restCpu = rest.cpuUsPerDecision;
  return [
    `Run of ${r.machine.date.slice(0, 16).replace('T', ' ')} UTC: ${r.machine.cpuModel} (${r.machine.cpus} cores),`,
    `node ${r.machine.node}, opa ${r.machine.opa}, opa-wasm ${r.machine.opaWasm}; ${r.pinning.note}.`,
    `Bundle \`${r.data.revision}\` (lib + public), ${int(r.data.namespaces.x1)} namespaces`,
    `(data.json ${fmt(r.data.dataJsonBytes.x1 / 1024)} KiB), a pool of ${int(r.data.inputPool.size)} inputs used round robin.`,
    `Sources: ${sourceLine(r.machine)}.`,
    `The run took ${r.durationSeconds} s. All numbers: [results/policy.json](results/policy.json).`,
    '',
    ...noiseLines(r),
    '',
    ...mainTable(r),
    '',
    `Engine vs REST: **${fmt(e.decisionsPerSecond / rest.decisionsPerSecond)}×** the decisions/s,` +
      ` **${fmt(rest.latency.p99Us / e.latency.p99Us)}×** lower p99` +
      (restCpu ? `, **${fmt(restCpu.total / e.cpuUsPerDecision)}×** less CPU per decision` : '') +
      `. Engine vs \`opa bench\`: ${fmt(e.decisionsPerSecond / r.opaBench.mixDecisionsPerSecond)}× the decisions/s.` +
      ` Server and engine gave the same allow and deny rules on` +
      ` ${rest.agreement.checked - rest.agreement.mismatches.length} of ${rest.agreement.checked} pool inputs.`,
    '',
    ...labelTable(r),
    '',
    ...memoryTable(r),
    '',
    ...reloadTable(r),
    '',
    '| Target | source | measured | result |',
    '|---|---|---|---|',
    ...r.targets.map(
      (t) => `| ${t.goal} | ${t.source} | ${t.measured} | ${t.met ? 'met' : `**missed**: ${t.gap}`} |`,
    ),
  ].join('\n');
}

function sourceLine(m: MachineInfo): string {
  const head = m.gitHead ? `commit ${m.gitHead.slice(0, 12)}` : 'no git revision';
  return m.gitDirty.length === 0
    ? head
    : `${head} plus ${m.gitDirty.length} uncommitted changes under policies/ and src/policy/ (listed in the JSON)`;
}

function noiseLines(r: BenchResults): string[] {
  const others = Object.entries(r.contention).map(([phase, usage]) => ({
    phase,
    load: usage.othersPercent,
    note: usage.attempts > 1 ? ` (attempt ${usage.attempts})` : '',
  }));
  const worst = others.reduce((a, b) => (b.load > a.load ? b : a), { phase: '', load: 0, note: '' });
  const wait = r.quietWait.quiet
    ? `the cores were quiet at the start (waited ${r.quietWait.waitedSeconds} s)`
    : `the cores never became quiet before the start (waited ${r.quietWait.waitedSeconds} s)`;
  return [
    `The cores are pinned, not isolated: ${wait}. CPU used by other processes during each phase, in % of`,
    `one core (busy time of all cores minus the bench's own, opa children included):`,
    `${others.map((o) => `${o.phase} ${o.load}%${o.note}`).join(', ')}.`,
    ...(worst.load > 10
      ? [
          `**Noisy run**: up to ${worst.load}% of a core went to other processes (${worst.phase}); tails (p99.9, max)`,
          'and the REST figures are the most affected. Re-run on a quiet machine before quoting them.',
        ]
      : []),
  ];
}

function mainTable(r: BenchResults): string[] {
  const e = r.engine.decide;
  const raw = r.engine.rawEvaluate;
  const rest = r.rest;
  const restCpu = rest.cpuUsPerDecision;
  const bench = r.opaBench;
  const range = (key: 'p50' | 'p99' | 'p999' | 'max') => {
    const values = bench.perInput.flatMap((b) => (b.queryEvalUs ? [b.queryEvalUs[key]] : []));
    return values.length === 0 ? 'n/a' : `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
  };
  return [
    '| Path | decisions/s | p50 µs | p99 µs | p99.9 µs | max µs | CPU µs/decision |',
    '|---|--:|--:|--:|--:|--:|--:|',
    row(
      'engine: `OpaPolicyEngine.decide` (wasm, in process)',
      e.decisionsPerSecond,
      e.latency,
      fmt(e.cpuUsPerDecision),
    ),
    row(
      'opa-wasm `evaluate` alone (no engine wrapper)',
      raw.decisionsPerSecond,
      raw.latency,
      fmt(raw.cpuUsPerDecision),
    ),
    row(
      '`opa run --server`: HTTP keep-alive, sequential',
      rest.decisionsPerSecond,
      rest.latency,
      restCpu
        ? `${fmt(restCpu.total)} (client ${fmt(restCpu.client)}, server ${fmt(restCpu.server)})`
        : 'n/a',
    ),
    `| \`opa bench\` (Go evaluator), ${bench.perInput.length} inputs weighted as the pool¹ | ${int(bench.mixDecisionsPerSecond)} | ${range('p50')} | ${range('p99')} | ${range('p999')} | ${range('max')} | ${fmt(bench.mixNsPerOp / 1000)} (ns/op ÷ 1000) |`,
    '',
    '¹ decisions/s = 10⁹ ÷ (ns/op averaged with the pool weights); the percentiles are the range over the',
    "inputs of opa's own `rego_query_eval` histogram, a 1,028-value decaying sample per input, not every call.",
  ];
}

function labelTable(r: BenchResults): string[] {
  const e = r.engine.decide;
  return [
    '| Input label | share | what the bundle decides | engine p50 / p99 µs | REST p50 / p99 µs | opa bench µs/op |',
    '|---|--:|---|--:|--:|--:|',
    ...Object.entries(r.data.inputPool.outcomes).map(([label, o]) => {
      const el = e.byLabel[label];
      const rl = r.rest.byLabel[label];
      const bl = r.opaBench.perInput.find((b) => b.label === label);
      const rules = Object.keys(o.denyRules).join(', ') || 'no denial';
      const share = fmt((o.inputs / r.data.inputPool.size) * 100);
      return `| ${label} | ${share}% | ${o.allowed}/${o.inputs} allowed; ${rules} | ${pair(el)} | ${pair(rl)} | ${bl ? fmt(bl.nsPerOp / 1000) : 'n/a'} |`;
    }),
  ];
}

function memoryTable(r: BenchResults): string[] {
  const m = r.memory;
  const first = m.samples[0];
  const last = m.samples.at(-1);
  return [
    `Memory over ${int(m.evaluations)} engine decisions (${m.gcForced ? 'read after a forced GC' : 'no forced GC'};` +
      ` ${int(m.decisionsPerSecond)} decisions/s untimed):`,
    '',
    '| | after warm-up MiB | after the run MiB | growth |',
    '|---|--:|--:|--:|',
    `| RSS | ${mib(first?.rssBytes)} | ${mib(last?.rssBytes)} | ${m.growthPercent.rss}% |`,
    `| V8 heap used | ${mib(first?.heapUsedBytes)} | ${mib(last?.heapUsedBytes)} | ${m.growthPercent.heapUsed}% |`,
    `| wasm linear memory | ${mib(first?.wasmMemoryBytes)} | ${mib(last?.wasmMemoryBytes)} | ${m.growthPercent.wasmMemory}% |`,
  ];
}

function reloadTable(r: BenchResults): string[] {
  return [
    'Reload, `loadPolicyBundle` + `engine.install` as the bot does it, and with the presized candidate loader',
    '(memory sized for the data up front, data passed as JSON bytes):',
    '',
    '| data | namespaces | data.json MiB | reloads | bot mean / max ms | event-loop stall ms | presized mean / max ms | same decisions | wasm MiB | decide p50 / p99 µs after |',
    '|---|--:|--:|--:|--:|--:|--:|:-:|--:|--:|',
    ...(Object.keys(r.reload) as DataScale[]).map((scale) => {
      const { bot, presized, sameDecisions } = r.reload[scale];
      return `| ${scale.slice(1)}× | ${int(r.data.namespaces[scale])} | ${mib(r.data.dataJsonBytes[scale])} | ${bot.reloads} | ${bot.meanMs} / ${bot.maxMs} | ${bot.eventLoopMaxStallMs} | ${presized.meanMs} / ${presized.maxMs} | ${sameDecisions ? 'yes' : '**no**'} | ${mib(bot.wasmMemoryBytes)} | ${pair(bot.afterReload)} |`;
    }),
  ];
}

function pair(l: LatencySummary | undefined): string {
  return l ? `${l.p50Us} / ${l.p99Us}` : 'n/a';
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : fmt(bytes / 1024 ** 2);
}

function row(name: string, perSecond: number, l: LatencySummary, cpu: string): string {
  return `| ${name} | ${int(perSecond)} | ${l.p50Us} | ${l.p99Us} | ${l.p999Us} | ${l.maxUs} | ${cpu} |`;
}

function over(measured: number, limit: number): string {
  const ratio = measured / limit;
  return ratio >= 2 ? `${fmt(ratio)}× the limit` : `${fmt((ratio - 1) * 100)}% over`;
}

function fmt(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return round(value, digits).toLocaleString('en', { maximumFractionDigits: digits });
}

function int(value: number): string {
  return Math.round(value).toLocaleString('en');
}

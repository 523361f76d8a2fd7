// `npm run policy -- <command>` for policy authors:
//   eval --type <public|dedicated|stateful> --input <file.json> [--bundles build/policies]
//       prints the decision the compiled bundle gives, through the same engine the bot uses
//   test [--min-coverage 90]
//       compiles the bundles, lints the Rego (opa fmt, opa check --strict per bundle, Regal), runs `opa test`
//       once per cluster type (lib + type + testdata, as the bundle is built) and fails on a lint finding, a
//       request kind without a policy in some bundle (scripts/policy-kinds.ts), a failing test or when the
//       merged line coverage is below the minimum
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { clusterTypes } from '../src/config/cluster-registry.js';
import { allKinds } from '../src/kinds/index.js';
import { createLogger } from '../src/logger.js';
import { OpaPolicyEngine } from '../src/policy/opa-policy-engine.js';
import { loadPolicyBundle } from '../src/policy/policy-bundle.js';
import { projectRoot } from './local-stack/stack.js';
import { ensureTools } from './local-stack/tools.js';
import { policyKindProblems } from './policy-kinds.js';

const run = promisify(execFile);
const [command, ...rest] = process.argv.slice(2);

if (command === 'eval') await evaluate(rest);
else if (command === 'test') await test(rest);
else {
  console.error('usage: npm run policy -- eval --type <type> --input <file.json> | test [--min-coverage 90]');
  process.exit(2);
}

async function evaluate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      type: { type: 'string' },
      input: { type: 'string' },
      bundles: { type: 'string', default: join(projectRoot, 'build/policies') },
    },
  });
  if (!values.type || !values.input || !(clusterTypes as readonly string[]).includes(values.type)) {
    console.error(`eval needs --type (${clusterTypes.join('|')}) and --input <file.json>`);
    process.exit(2);
  }
  const input = JSON.parse(readFileSync(values.input, 'utf8')) as Parameters<OpaPolicyEngine['decide']>[1];
  const engine = new OpaPolicyEngine(
    [await loadPolicyBundle(values.bundles, values.type)],
    createLogger({ level: 'error', role: 'policy-cli' }),
  );
  console.log(JSON.stringify(engine.decide(values.type, input), null, 2));
}

interface CoverageReport {
  files: Record<
    string,
    {
      covered?: { start: { row: number }; end: { row: number } }[];
      not_covered?: { start: { row: number }; end: { row: number } }[];
    }
  >;
}

async function test(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'min-coverage': { type: 'string', default: '90' } } });
  const minimum = Number(values['min-coverage']);
  const { opa, regal } = await ensureTools(projectRoot);
  const build = spawnSync('bash', [join(projectRoot, 'scripts/build-policies.sh')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);

  const policies = join(projectRoot, 'policies');
  const capabilities = join(projectRoot, 'build/policies/capabilities.json');
  if (!lint(opa, regal, policies, capabilities)) {
    console.error('policy lint failed');
    process.exit(1);
  }
  const kindProblems = await policyKindProblems({
    opa,
    kinds: allKinds.map((k) => k.id),
    bundles: clusterTypes.map((type) => ({ type, dirs: [join(policies, 'lib'), join(policies, type)] })),
  });
  if (kindProblems.length > 0) {
    console.error(`the request kinds and the policies disagree:\n  ${kindProblems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`request kinds: every one of ${allKinds.length} has a policy in every bundle`);
  const covered = new Map<string, Set<number>>();
  const uncovered = new Map<string, Set<number>>();
  let failed = false;
  for (const type of clusterTypes) {
    const roots = ['lib', type, ...(existsSync(join(policies, 'testdata')) ? ['testdata'] : [])];
    const plain = spawnSync(opa, ['test', '--capabilities', capabilities, ...roots], {
      cwd: policies,
      encoding: 'utf8',
    });
    process.stdout.write(`opa test ${roots.join(' ')}: ${plain.stdout.trim().split('\n').at(-1) ?? ''}\n`);
    if (plain.status !== 0) {
      process.stdout.write(plain.stdout + plain.stderr);
      failed = true;
      continue;
    }
    const { stdout } = await run(
      opa,
      ['test', '--capabilities', capabilities, '--coverage', '--format=json', ...roots],
      { cwd: policies, maxBuffer: 64 << 20 },
    );
    const report = JSON.parse(stdout) as CoverageReport;
    // Coverage is of the rules; tests cover themselves and would only flatter the number.
    for (const [file, lines] of Object.entries(report.files).filter(
      ([name]) => !name.endsWith('_test.rego'),
    )) {
      const add = (into: Map<string, Set<number>>, ranges: typeof lines.covered) => {
        const set = into.get(file) ?? new Set<number>();
        for (const r of ranges ?? []) for (let row = r.start.row; row <= r.end.row; row++) set.add(row);
        into.set(file, set);
      };
      add(covered, lines.covered);
      add(uncovered, lines.not_covered);
    }
  }

  // A line counts as covered when any cluster type's run covered it.
  let total = 0;
  let hit = 0;
  const rows: string[] = [];
  for (const file of [...new Set([...covered.keys(), ...uncovered.keys()])].sort()) {
    const yes = covered.get(file) ?? new Set<number>();
    const no = [...(uncovered.get(file) ?? [])].filter((row) => !yes.has(row));
    total += yes.size + no.length;
    hit += yes.size;
    const percent = yes.size + no.length === 0 ? 100 : (100 * yes.size) / (yes.size + no.length);
    rows.push(
      `  ${percent.toFixed(1).padStart(5)}%  ${file}${no.length ? `  (not covered: lines ${no.sort((a, b) => a - b).join(', ')})` : ''}`,
    );
  }
  const coverage = total === 0 ? 0 : (100 * hit) / total;
  console.log(`coverage by file (merged over ${clusterTypes.join(', ')}):\n${rows.join('\n')}`);
  console.log(`policy coverage ${coverage.toFixed(1)}% (minimum ${minimum}%)`);
  if (failed) {
    console.error('policy tests failed');
    process.exit(1);
  }
  if (coverage < minimum) {
    console.error(`policy coverage ${coverage.toFixed(1)}% is below the minimum of ${minimum}%`);
    process.exit(1);
  }
}

/**
 * Lints policies/ as the Rego community does: `opa fmt` (no file would change), `opa check --strict` of
 * each bundle as it is built (lib + type, wasm capabilities) and Regal (policies/.regal/config.yaml).
 * Prints every finding; true when there is none.
 */
function lint(opa: string, regal: string, policies: string, capabilities: string): boolean {
  const steps: { name: string; command: string; args: string[] }[] = [
    { name: 'opa fmt', command: opa, args: ['fmt', '--list', '--fail', '.'] },
    ...clusterTypes.map((type) => ({
      name: `opa check --strict lib ${type}`,
      command: opa,
      args: ['check', '--strict', '--capabilities', capabilities, 'lib', type],
    })),
    { name: 'regal lint', command: regal, args: ['lint', '--format', 'compact', '.'] },
  ];
  let clean = true;
  for (const step of steps) {
    const result = spawnSync(step.command, step.args, { cwd: policies, encoding: 'utf8' });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    if (result.status === 0) {
      process.stdout.write(`${step.name}: ok\n`);
      continue;
    }
    clean = false;
    const hint = step.name === 'opa fmt' ? ' (these files need `opa fmt -w`)' : '';
    process.stdout.write(`${step.name}: failed${hint}\n${output}\n`);
  }
  return clean;
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { clusterInventory, namespaceInventory } from './inputs.js';

const run = promisify(execFile);

export const clusterType = 'public';
export const entrypoint = `n3r/${clusterType}/decision`;

/** Namespace counts of the data-size sweep (platform-limits.md §2.1: 1×, 10×, 50× production data). */
export const dataScales = { x1: 2_000, x10: 20_000, x50: 100_000 } as const;
export type DataScale = keyof typeof dataScales;

export interface BenchBundles {
  revision: string;
  /** A `loadPolicyBundle(dir, 'public')` directory with the 1× data. */
  wasmDir: string;
  dataBytes: number;
  /** The same sources and 1× data as a plain (rego target) bundle, for the Go evaluator. */
  regoBundle: string;
  /** What scaledBundle needs to write the same bundle with more data. */
  wasmTar: string;
  baseData: object;
  workDir: string;
}

/**
 * Builds the bench bundles from the real policies (lib + public) with the flags scripts/build-policies.sh
 * uses, the data extended with the namespace and cluster inventories.
 */
export async function buildBenchBundles(options: {
  projectRoot: string;
  policyDir: string;
  opa: string;
  workDir: string;
}): Promise<BenchBundles> {
  const { projectRoot, opa, workDir } = options;
  const staging = join(workDir, 'src');
  for (const dir of ['lib', clusterType]) {
    await cp(join(options.policyDir, dir), join(staging, dir), { recursive: true });
  }
  const baseData = JSON.parse(await readFile(join(staging, clusterType, 'data.json'), 'utf8')) as object;
  await writeFile(join(staging, clusterType, 'data.json'), dataFor(baseData, 'x1'));

  const revision = `bench-${clusterType}-${await sourceHash(staging)}`;
  const capabilities = join(workDir, 'capabilities.json');
  await writeFile(capabilities, await wasmCapabilities(projectRoot, opa));
  const common = [
    '-e',
    entrypoint,
    '--revision',
    revision,
    '--ignore',
    '*_test.rego',
    '--capabilities',
    capabilities,
  ];
  const wasmTar = join(workDir, 'wasm.tar.gz');
  const regoBundle = join(workDir, 'rego.tar.gz');
  for (const [target, out] of [
    ['wasm', wasmTar],
    ['rego', regoBundle],
  ] as const) {
    await run(opa, ['build', '-t', target, ...common, '-o', out, 'lib', clusterType], { cwd: staging }).catch(
      (error: { stdout?: string; message: string }) => {
        throw new Error(
          `opa build -t ${target} of ${options.policyDir} failed: ${error.stdout || error.message}`,
        );
      },
    );
  }

  const bundles = { revision, regoBundle, wasmTar, baseData, workDir, wasmDir: '', dataBytes: 0 };
  const x1 = await scaledBundle(bundles, 'x1');
  return { ...bundles, wasmDir: x1.dir, dataBytes: x1.dataBytes };
}

/**
 * The wasm bundle with the data of `scale` in a directory of its own. Called just before it is needed:
 * generating 100,000 namespaces inflates the heap, which would skew the memory phase if done up front.
 */
export async function scaledBundle(
  bundles: Pick<BenchBundles, 'wasmTar' | 'baseData' | 'workDir'>,
  scale: DataScale,
): Promise<{ dir: string; dataBytes: number }> {
  const dir = join(bundles.workDir, `wasm-${scale}`);
  await mkdir(join(dir, clusterType), { recursive: true });
  await run('tar', ['-xzf', bundles.wasmTar, '-C', join(dir, clusterType)]);
  const data = dataFor(bundles.baseData, scale);
  await writeFile(join(dir, clusterType, 'data.json'), data);
  return { dir, dataBytes: Buffer.byteLength(data) };
}

function dataFor(baseData: object, scale: DataScale): string {
  return JSON.stringify({
    ...baseData,
    namespaces: namespaceInventory(dataScales[scale]),
    clusters: clusterInventory(),
  });
}

/**
 * The builtins opa-wasm can evaluate, with this opa's language features: the same derivation as
 * scripts/build-policies.sh, so a bench bundle compiles exactly when a production bundle would.
 */
async function wasmCapabilities(projectRoot: string, opa: string): Promise<string> {
  const { stdout } = await run(opa, ['capabilities', '--current'], { maxBuffer: 64 << 20 });
  const current = JSON.parse(stdout) as { builtins: { name: string }[] };
  const wasmFile = join(projectRoot, 'node_modules/@open-policy-agent/opa-wasm/capabilities.json');
  const wasm = JSON.parse(await readFile(wasmFile, 'utf8')) as { builtins: { name: string }[] };
  const supported = new Set(wasm.builtins.map((b) => b.name));
  return JSON.stringify({ ...current, builtins: current.builtins.filter((b) => supported.has(b.name)) });
}

async function sourceHash(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((f) => f.isFile() && !f.name.endsWith('_test.rego'))
    .map((f) => join(f.parentPath, f.name))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(dir, file)).update(await readFile(file));
  return hash.digest('hex').slice(0, 12);
}

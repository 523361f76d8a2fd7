import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import { AppError } from '../errors.js';
import { readTarGz } from './tar-gz.js';

/** One compiled bundle: the wasm module with its data, and the revision it was built at. */
export interface PolicyBundle {
  clusterType: string;
  revision: string;
  policy: LoadedPolicy;
}

/** The three files of a bundle, however they arrived. */
export interface BundleFiles {
  wasm: Buffer;
  data: string;
  manifest: string;
}

/** Loads `<dir>/<type>/{policy.wasm,data.json,.manifest}` as written by scripts/build-policies.sh. */
export async function loadPolicyBundle(dir: string, clusterType: string): Promise<PolicyBundle> {
  const base = join(dir, clusterType);
  let files: BundleFiles;
  try {
    const [wasm, data, manifest] = await Promise.all([
      readFile(join(base, 'policy.wasm')),
      readFile(join(base, 'data.json'), 'utf8'),
      readFile(join(base, '.manifest'), 'utf8'),
    ]);
    files = { wasm, data, manifest };
  } catch (error) {
    throw new AppError('POLICY_ENGINE', `policy bundle ${base} cannot be loaded: ${describe(error)}`, {
      cause: error,
    });
  }
  return instantiateBundle(files, clusterType, base);
}

/** A bundle from an OPA bundle archive (`opa build -t wasm` output, as a bundle server serves it). */
export async function bundleFromArchive(
  archive: Buffer,
  clusterType: string,
  source: string,
): Promise<PolicyBundle> {
  let entries: Map<string, Buffer>;
  try {
    entries = readTarGz(archive);
  } catch (error) {
    throw new AppError('POLICY_ENGINE', `policy bundle ${source} cannot be loaded: ${describe(error)}`, {
      cause: error,
    });
  }
  const wasm = entries.get('policy.wasm');
  const data = entries.get('data.json');
  const manifest = entries.get('.manifest');
  if (!wasm || !data || !manifest) {
    throw new AppError(
      'POLICY_ENGINE',
      `policy bundle ${source} cannot be loaded: it lacks policy.wasm, data.json or .manifest`,
    );
  }
  return instantiateBundle(
    { wasm, data: data.toString('utf8'), manifest: manifest.toString('utf8') },
    clusterType,
    source,
  );
}

async function instantiateBundle(
  files: BundleFiles,
  clusterType: string,
  source: string,
): Promise<PolicyBundle> {
  try {
    const revision = (JSON.parse(files.manifest) as { revision?: unknown }).revision;
    if (typeof revision !== 'string' || revision === '') throw new Error('the manifest has no revision');
    const policy = await loadPolicy(files.wasm);
    policy.setData(JSON.parse(files.data) as object);
    return { clusterType, revision, policy };
  } catch (error) {
    throw new AppError('POLICY_ENGINE', `policy bundle ${source} cannot be loaded: ${describe(error)}`, {
      cause: error,
    });
  }
}

/** opa-wasm throws strings and plain objects as well as Errors. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

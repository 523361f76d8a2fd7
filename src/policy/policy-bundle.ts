import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import { AppError } from '../errors.js';

/** One compiled bundle: the wasm module with its data, and the revision it was built at. */
export interface PolicyBundle {
  clusterType: string;
  revision: string;
  policy: LoadedPolicy;
}

/** Loads `<dir>/<type>/{policy.wasm,data.json,.manifest}` as written by scripts/build-policies.sh. */
export async function loadPolicyBundle(dir: string, clusterType: string): Promise<PolicyBundle> {
  const base = join(dir, clusterType);
  try {
    const [wasm, data, manifest] = await Promise.all([
      readFile(join(base, 'policy.wasm')),
      readFile(join(base, 'data.json'), 'utf8'),
      readFile(join(base, '.manifest'), 'utf8'),
    ]);
    const revision = (JSON.parse(manifest) as { revision?: unknown }).revision;
    if (typeof revision !== 'string' || revision === '') throw new Error('the manifest has no revision');
    const policy = await loadPolicy(wasm);
    policy.setData(JSON.parse(data) as object);
    return { clusterType, revision, policy };
  } catch (error) {
    throw new AppError('POLICY_ENGINE', `policy bundle ${base} cannot be loaded: ${describe(error)}`, {
      cause: error,
    });
  }
}

/** opa-wasm throws strings and plain objects as well as Errors. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import { AppError } from '../errors.js';
import { readBundleArchive } from './bundle-archive.js';
import { BundleRefusedError } from './bundle-refusal.js';
import type { BundleVerifier } from './bundle-signature.js';

/** One compiled bundle: the wasm module with its data, and the revision it was built at. */
export interface PolicyBundle {
  clusterType: string;
  revision: string;
  policy: LoadedPolicy;
}

/** The three files of a bundle, however they arrived. */
export interface BundleFiles {
  wasm: Buffer;
  data: Buffer;
  manifest: string;
}

/** Wasm memory the data takes once parsed, per byte of data.json (measured: 9–10). */
const wasmBytesPerDataByte = 12;
const wasmPage = 65_536;

/** Loads `<dir>/<type>/{policy.wasm,data.json,.manifest}` as written by scripts/build-policies.sh. */
export async function loadPolicyBundle(dir: string, clusterType: string): Promise<PolicyBundle> {
  const base = join(dir, clusterType);
  let files: BundleFiles;
  try {
    const [wasm, data, manifest] = await Promise.all([
      readFile(join(base, 'policy.wasm')),
      readFile(join(base, 'data.json')),
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

/** How archives from a bundle server are trusted: signatures verified, or (an explicit opt-out) none. */
export type BundleTrust = BundleVerifier | 'unsigned';

/** Names an archive by its content, for refusing it once rather than at every poll. */
export function archiveRevision(archive: Buffer): string {
  return `sha256:${createHash('sha256').update(archive).digest('hex')}`;
}

/**
 * A bundle from an OPA bundle archive (`opa build -t wasm` output, as a bundle server serves it), its
 * signature verified unless `trust` is 'unsigned'. Throws BundleRefusedError, with the archive's digest
 * as its revision, when the archive is over its bounds, unreadable, not signed as required, or does not
 * load.
 */
export async function bundleFromArchive(
  archive: Buffer,
  clusterType: string,
  source: string,
  trust: BundleTrust,
): Promise<PolicyBundle> {
  const revision = archiveRevision(archive);
  let files: Map<string, Buffer>;
  try {
    const entries = await readBundleArchive(archive, revision);
    files = trust === 'unsigned' ? entries : await trust.verify(entries, revision);
  } catch (error) {
    const refusal = error instanceof BundleRefusedError ? error : null;
    throw new BundleRefusedError(
      `policy bundle ${source} refused: ${describe(error)}`,
      revision,
      refusal?.reason ?? 'unreadable',
      error,
    );
  }
  const wasm = files.get('policy.wasm');
  const data = files.get('data.json');
  const manifest = files.get('.manifest');
  if (!wasm || !data || !manifest) {
    throw new BundleRefusedError(
      `policy bundle ${source} refused: it lacks policy.wasm, data.json or .manifest`,
      revision,
      'invalid',
    );
  }
  try {
    return await instantiateBundle({ wasm, data, manifest: manifest.toString('utf8') }, clusterType, source);
  } catch (error) {
    throw new BundleRefusedError(describe(error), revision, 'invalid', error);
  }
}

async function instantiateBundle(
  files: BundleFiles,
  clusterType: string,
  source: string,
): Promise<PolicyBundle> {
  try {
    const revision = (JSON.parse(files.manifest) as { revision?: unknown }).revision;
    if (typeof revision !== 'string' || revision === '')
      throw new AppError('POLICY_ENGINE', 'the manifest has no revision');
    // Memory sized for the data up front and the data handed over as JSON bytes: growing the memory
    // page by page while setData parses made large bundles take seconds to load (bench/README.md).
    const pages = Math.ceil((files.data.byteLength * wasmBytesPerDataByte) / wasmPage) + 8;
    const policy = await loadPolicy(files.wasm, pages);
    policy.setData(
      files.data.buffer.slice(
        files.data.byteOffset,
        files.data.byteOffset + files.data.byteLength,
      ) as ArrayBuffer,
    );
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

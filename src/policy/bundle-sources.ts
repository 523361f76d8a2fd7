import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { defaultArchiveLimits } from './bundle-archive.js';
import { BundleRefusedError } from './bundle-refusal.js';
import {
  archiveRevision,
  type BundleTrust,
  bundleFromArchive,
  loadPolicyBundle,
  type PolicyBundle,
} from './policy-bundle.js';

export { BundleRefusedError } from './bundle-refusal.js';

/**
 * Where newer bundles come from. `poll` answers null when there is nothing new for the type, that is
 * nothing whose revision is outside `known` (the revision in service and any refused one).
 */
export interface BundleSource {
  readonly description: string;
  poll(clusterType: string, known: ReadonlySet<string>): Promise<PolicyBundle | null>;
}

/** The build directory: a new `.manifest` revision means a new bundle (the manifest is written last). */
export class DirectoryBundleSource implements BundleSource {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `directory ${dir}`;
  }

  async poll(clusterType: string, known: ReadonlySet<string>): Promise<PolicyBundle | null> {
    const manifest = await readFile(join(this.dir, clusterType, '.manifest'), 'utf8').catch(() => null);
    if (manifest === null) return null;
    let revision: unknown;
    try {
      revision = (JSON.parse(manifest) as { revision?: unknown }).revision;
    } catch {
      revision = manifest;
    }
    if (typeof revision !== 'string') revision = manifest;
    if (known.has(revision as string)) return null;
    try {
      return await loadPolicyBundle(this.dir, clusterType);
    } catch (error) {
      throw new BundleRefusedError((error as Error).message, revision as string, 'invalid', error);
    }
  }
}

/**
 * A bundle server speaking OPA's bundle protocol: GET of the bundle archive with `If-None-Match` set to
 * the last ETag; 304 means unchanged. `urlTemplate` names the archive per type, e.g.
 * `https://bundles.example/n3r/{type}.tar.gz`. Archives are verified as `trust` says; a refused archive
 * is known by its digest, so the same one served again is passed over without a second refusal.
 */
export class HttpBundleSource implements BundleSource {
  readonly description: string;
  readonly #etags = new Map<string, string>();

  constructor(
    private readonly urlTemplate: string,
    private readonly trust: BundleTrust,
    private readonly options: { timeoutMs?: number; headers?: Record<string, string> } = {},
  ) {
    this.description = `bundle server ${new URL(urlTemplate.replace('{type}', 'type')).origin}`;
  }

  async poll(clusterType: string, known: ReadonlySet<string>): Promise<PolicyBundle | null> {
    const url = this.urlTemplate.replaceAll('{type}', clusterType);
    const etag = this.#etags.get(clusterType);
    const response = await fetch(url, {
      headers: { ...this.options.headers, ...(etag ? { 'if-none-match': etag } : {}) },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (response.status === 304) return null;
    if (response.status !== 200) {
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `bundle server answered HTTP ${response.status} for ${url}`,
        { retryable: true },
      );
    }
    // An archive refused as too large is known by its ETag: not downloaded again until it changes.
    const oversized = `oversized ${response.headers.get('etag') ?? ''}`;
    if (response.headers.has('etag') && known.has(oversized)) {
      await response.body?.cancel();
      return null;
    }
    const archive = await boundedBody(response, url, oversized);
    if (known.has(archiveRevision(archive))) return null;
    const bundle = await bundleFromArchive(archive, clusterType, url, this.trust);
    // The ETag is kept only for a bundle that loaded: a broken one is fetched again next time.
    const newEtag = response.headers.get('etag');
    if (newEtag) this.#etags.set(clusterType, newEtag);
    return known.has(bundle.revision) ? null : bundle;
  }
}

/** The response body, refused once it grows past the archive bound (the length header may be absent). */
async function boundedBody(response: Response, url: string, revision: string): Promise<Buffer> {
  const max = defaultArchiveLimits.maxArchiveBytes;
  const tooLarge = () =>
    new BundleRefusedError(
      `policy bundle ${url} refused: the archive is over the ${max} bytes allowed`,
      revision,
      'too_large',
    );
  if (Number(response.headers.get('content-length')) > max) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    // Leaving the loop by the throw cancels the download.
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

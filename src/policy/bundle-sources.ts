import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { bundleFromArchive, loadPolicyBundle, type PolicyBundle } from './policy-bundle.js';

/**
 * Where newer bundles come from. `poll` answers null when there is nothing new for the type, that is
 * nothing whose revision is outside `known` (the revision in service and any refused one).
 */
export interface BundleSource {
  readonly description: string;
  poll(clusterType: string, known: ReadonlySet<string>): Promise<PolicyBundle | null>;
}

/** A bundle that cannot be put in service; its revision is not tried again. */
export class BundleRefusedError extends AppError {
  constructor(
    message: string,
    readonly revision: string,
    cause?: unknown,
  ) {
    super('POLICY_ENGINE', message, { cause });
  }
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
      throw new BundleRefusedError((error as Error).message, revision as string, error);
    }
  }
}

/**
 * A bundle server speaking OPA's bundle protocol: GET of the bundle archive with `If-None-Match` set to
 * the last ETag; 304 means unchanged. `urlTemplate` names the archive per type, e.g.
 * `https://bundles.example/n3r/{type}.tar.gz`.
 */
export class HttpBundleSource implements BundleSource {
  readonly description: string;
  readonly #etags = new Map<string, string>();

  constructor(
    private readonly urlTemplate: string,
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
    const bundle = await bundleFromArchive(Buffer.from(await response.arrayBuffer()), clusterType, url);
    // The ETag is kept only for a bundle that loaded: a broken one is fetched again next time.
    const newEtag = response.headers.get('etag');
    if (newEtag) this.#etags.set(clusterType, newEtag);
    return known.has(bundle.revision) ? null : bundle;
  }
}

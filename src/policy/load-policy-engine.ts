import { clusterTypes } from '../config/cluster-registry.js';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../logger.js';
import { BundleReloader } from './bundle-reloader.js';
import { type BundleSource, DirectoryBundleSource, HttpBundleSource } from './bundle-sources.js';
import { OpaPolicyEngine } from './opa-policy-engine.js';
import { describe, loadPolicyBundle, type PolicyBundle } from './policy-bundle.js';

/**
 * The engine with a bundle per cluster type, kept current by a reloader: from the bundle server when one
 * is configured (falling back to the build directory at start if it cannot be reached), else from the
 * build directory. A type without a loadable bundle does not stop the start: its requests are denied
 * (the engine fails closed), the process reports not ready, and the reloader keeps looking for one.
 */
export async function loadPolicyEngine(
  settings: Pick<Settings, 'policyDir' | 'bundleUrl' | 'bundlePollMs' | 'policyDocsUrl'>,
  log: Logger,
  /** The engine to load into; one made beforehand serves (and denies everything) while bundles load. */
  engine: OpaPolicyEngine = new OpaPolicyEngine([], log, { docsUrl: settings.policyDocsUrl }),
): Promise<{ engine: OpaPolicyEngine; reloader: BundleReloader }> {
  const directory = new DirectoryBundleSource(settings.policyDir);
  const source: BundleSource = settings.bundleUrl ? new HttpBundleSource(settings.bundleUrl) : directory;
  const initial = async (type: string): Promise<PolicyBundle> => {
    if (source !== directory) {
      const fetched = await source.poll(type, new Set()).catch((error: unknown) => {
        log.warn(
          { clusterType: type, err: describe(error) },
          'bundle server unavailable at start; using the build directory',
        );
        return null;
      });
      if (fetched) return fetched;
    }
    return loadPolicyBundle(settings.policyDir, type);
  };
  await Promise.all(
    clusterTypes.map(async (clusterType) => {
      try {
        engine.install(await initial(clusterType));
      } catch (error) {
        log.error(
          { clusterType, err: describe(error) },
          'no usable policy bundle; requests for this type are denied until one loads',
        );
      }
    }),
  );
  const reloader = new BundleReloader(engine, source, clusterTypes, log, {
    intervalMs: settings.bundlePollMs,
  });
  reloader.start();
  log.info({ revisions: engine.revisions(), source: source.description }, 'policy bundles loaded');
  return { engine, reloader };
}

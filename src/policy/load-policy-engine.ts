import { clusterTypes } from '../config/cluster-registry.js';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../logger.js';
import { type Metrics, noMetrics } from '../metrics/metrics.js';
import { BundleRefusedError } from './bundle-refusal.js';
import { BundleReloader } from './bundle-reloader.js';
import { BundleVerifier } from './bundle-signature.js';
import { type BundleSource, DirectoryBundleSource, HttpBundleSource } from './bundle-sources.js';
import { OpaPolicyEngine } from './opa-policy-engine.js';
import { type BundleTrust, describe, loadPolicyBundle, type PolicyBundle } from './policy-bundle.js';

/**
 * The engine with a bundle per cluster type, kept current by a reloader: from the bundle server when one
 * is configured (falling back to the build directory at start if it cannot be reached or its bundle is
 * refused), else from the build directory. Bundles from the server must be signed with a configured key
 * unless the settings opt out. A type without a loadable bundle does not stop the start: its requests
 * are denied (the engine fails closed), the process reports not ready, and the reloader keeps looking.
 */
export async function loadPolicyEngine(
  settings: Pick<Settings, 'policyDir' | 'bundleUrl' | 'bundleTrust' | 'bundlePollMs'> &
    Partial<Pick<Settings, 'policyDocsUrl'>>,
  log: Logger,
  metrics: Pick<Metrics, 'policyBundleRefused'> = noMetrics,
  /** The engine to load into; one made beforehand serves (and denies everything) while bundles load. */
  engine: OpaPolicyEngine = new OpaPolicyEngine([], log, { docsUrl: settings.policyDocsUrl }),
): Promise<{ engine: OpaPolicyEngine; reloader: BundleReloader }> {
  const directory = new DirectoryBundleSource(settings.policyDir);
  const source: BundleSource = settings.bundleUrl
    ? new HttpBundleSource(settings.bundleUrl, bundleTrust(settings, log))
    : directory;
  const refused = new Map<string, string>();
  const initial = async (type: string): Promise<PolicyBundle> => {
    if (source !== directory) {
      const fetched = await source.poll(type, new Set()).catch((error: unknown) => {
        const fields = { clusterType: type, err: describe(error) };
        if (error instanceof BundleRefusedError) {
          refused.set(type, error.revision);
          metrics.policyBundleRefused(type, error.reason);
          log.error(
            { ...fields, reason: error.reason },
            'policy bundle refused at start; using the build directory',
          );
        } else {
          log.warn(fields, 'bundle server unavailable at start; using the build directory');
        }
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
    metrics,
    refused,
  });
  reloader.start();
  log.info({ revisions: engine.revisions(), source: source.description }, 'policy bundles loaded');
  return { engine, reloader };
}

function bundleTrust(settings: Pick<Settings, 'bundleTrust'>, log: Logger): BundleTrust {
  if (settings.bundleTrust !== 'unsigned') return new BundleVerifier(settings.bundleTrust.verificationKeys);
  log.warn(
    { setting: 'N3R_BUNDLE_ALLOW_UNSIGNED' },
    'policy bundles from the bundle server are NOT verified: whoever controls the bundle server controls the policy',
  );
  return 'unsigned';
}

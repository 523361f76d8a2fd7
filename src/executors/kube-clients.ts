import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import { ConfigError } from '../errors.js';
import { RawObjectApi } from './kube-object-api.js';
import { PooledKubeConfig } from './pooled-kube-config.js';
import { type RateLimit, TokenBucket } from './token-bucket.js';

/** One Kubernetes client per registered cluster, each from its kubeconfig context and with its own rate limit. */
export class KubeClients {
  readonly #byCluster: Map<string, RawObjectApi>;

  private constructor(byCluster: Map<string, RawObjectApi>) {
    this.#byCluster = byCluster;
  }

  /**
   * Fails with every cluster whose context the kubeconfig lacks, so a bad deployment stops at start.
   * `onApiError` hears of every failed request, by cluster and HTTP status (or `network`).
   */
  static fromKubeconfig(
    path: string | undefined,
    registry: ClusterRegistry,
    rateLimit?: RateLimit,
    onApiError?: (cluster: string, status: string) => void,
  ): KubeClients {
    const base = new KubeConfig();
    if (path) base.loadFromFile(path);
    else base.loadFromDefault();
    const contexts = new Set(base.getContexts().map((c) => c.name));
    const missing = registry.clusters.filter((c) => !contexts.has(c.kubeContext));
    if (missing.length > 0) {
      throw new ConfigError(
        `kubeconfig ${path ?? '(default)'} has no context for: ${missing.map((c) => `${c.name} (context '${c.kubeContext}')`).join(', ')}`,
      );
    }
    const byCluster = new Map<string, RawObjectApi>();
    for (const cluster of registry.clusters) {
      const kc = new PooledKubeConfig();
      kc.loadFromString(base.exportConfig());
      kc.setCurrentContext(cluster.kubeContext);
      byCluster.set(
        cluster.name,
        RawObjectApi.fromKubeConfig(
          kc,
          rateLimit ? new TokenBucket(rateLimit) : null,
          onApiError ? (status) => onApiError(cluster.name, status) : null,
        ),
      );
    }
    return new KubeClients(byCluster);
  }

  for(cluster: string): RawObjectApi {
    const api = this.#byCluster.get(cluster);
    if (!api) throw new ConfigError(`no Kubernetes client for cluster '${cluster}'`);
    return api;
  }
}

import type { Redis } from 'ioredis';
import { type Cluster, type ClusterRegistry, findCluster } from '../config/cluster-registry.js';
import { ConfigError } from '../errors.js';
import type { KubeClients } from './kube-clients.js';
import type { LogStoreOptions } from './logs/log-stores.js';

/** A Gateway API Gateway, by name and namespace. */
export interface GatewayRef {
  name: string;
  namespace: string;
}

/** Platform conventions the executors follow; every field has a default that matches the platform's manifests. */
export interface ExecutorOptions {
  /**
   * The shared Gateways app routes attach to: `public` for `--public yes`, `internal` otherwise. They must allow
   * ListenerSets (`spec.allowedListeners`) from team namespaces for TLS routes, and routes from them otherwise.
   * @defaultValue public `n3r-gateway/n3r-public`, internal `n3r-gateway/n3r-internal`
   */
  gateways: { public: GatewayRef; internal: GatewayRef };
  /** The cert-manager ClusterIssuer that signs route certificates. @defaultValue 'n3r-letsencrypt' */
  clusterIssuer: string;
  /** How long a rollout may take to become available before it is rolled back. @defaultValue 120_000 */
  rolloutTimeoutMs: number;
  /** How often a rollout's status is read. @defaultValue 1_000 */
  rolloutPollMs: number;
  /** Labels of the nodes that hold the NAT egress IPs (CiliumEgressGatewayPolicy `egressGateway.nodeSelector`). @defaultValue `{ 'n3r.io/egress-gateway': 'true' }` */
  egressGatewayNodeLabels: Record<string, string>;
  /**
   * Destinations that never leave through the NAT gateway (CiliumEgressGatewayPolicy `excludedCIDRs`): the
   * clusters' service and pod ranges. Narrow on purpose: the legacy servers the NAT IP exists for live in
   * private ranges too. The registry has no per-cluster ranges yet.
   * @defaultValue `['10.96.0.0/12', '10.244.0.0/16']` (kubeadm's service range, the usual pod range)
   */
  clusterInternalCidrs: string[];
  /** The clock, for ACL expiries. @defaultValue `() => new Date()` */
  now: () => Date;
}

export const defaultExecutorOptions: ExecutorOptions = {
  gateways: {
    public: { name: 'n3r-public', namespace: 'n3r-gateway' },
    internal: { name: 'n3r-internal', namespace: 'n3r-gateway' },
  },
  clusterIssuer: 'n3r-letsencrypt',
  rolloutTimeoutMs: 120_000,
  rolloutPollMs: 1_000,
  egressGatewayNodeLabels: { 'n3r.io/egress-gateway': 'true' },
  clusterInternalCidrs: ['10.96.0.0/12', '10.244.0.0/16'],
  now: () => new Date(),
};

/** What executors are built from: cluster clients, the registry's platform endpoints, and Redis for allocations. */
export interface ExecutorDeps {
  kube: KubeClients;
  registry: ClusterRegistry;
  redis: Redis;
  /** Redis key prefix of this installation. */
  prefix: string;
  /** Platform conventions; each missing field takes its default (`defaultExecutorOptions`). */
  options?: Partial<ExecutorOptions>;
  /** How log stores are queried; each missing field takes its default (`defaultLogStoreOptions`). */
  logStores?: Partial<LogStoreOptions>;
}

export function executorOptions(deps: ExecutorDeps): ExecutorOptions {
  return { ...defaultExecutorOptions, ...deps.options };
}

/** The registry entry of a cluster a request names; the registry was checked when the request was made. */
export function clusterOf(deps: ExecutorDeps, name: string): Cluster {
  const cluster = findCluster(deps.registry, name);
  if (!cluster) throw new ConfigError(`cluster '${name}' is not in the cluster registry`);
  return cluster;
}

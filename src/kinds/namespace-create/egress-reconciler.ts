import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterRegistry } from '../../config/cluster-registry.js';
import type { RequestStore } from '../../core/ports.js';
import { deleteManaged, getObject } from '../../executors/kube-apply.js';
import type { KubeClients } from '../../executors/kube-clients.js';
import { fromKubeError } from '../../executors/kube-errors.js';
import type { RawObjectApi } from '../../executors/kube-object-api.js';
import type { Logger } from '../../logger.js';
import { type EgressIpAllocator, ipv4Number, poolRange } from '../../store/egress-ip-allocator.js';
import { egressIpAnnotation } from './executor.js';

/** What a reconciliation reports, per cluster: the metrics behind it (`n3r_egress_ip_*`). */
export interface EgressReports {
  /** Addresses freed because their namespace is gone. */
  egressIpsReleased(cluster: string, count: number): void;
  /** Addresses in use in the apiserver that Redis did not have, now recorded again. */
  egressIpsLeaked(cluster: string, count: number): void;
  /** Addresses claimed by more than one namespace, as of this reconciliation. */
  egressIpDuplicates(cluster: string, count: number): void;
}

export interface EgressReconcilerOptions {
  /**
   * An allocation whose namespace is absent is freed only once it is this old (since it was made or last
   * asked for): a namespace being created gets its address before it exists. @defaultValue 600000 ms
   */
  releaseGraceMs?: number;
  /** The clock. @defaultValue the system clock */
  now?: () => Date;
}

/** What one reconciliation of a cluster did. */
export interface EgressReconciliation {
  released: string[];
  leaked: string[];
  duplicates: string[];
}

const requestIdAnnotation = 'n3r.io/request-id';
const policyName = (namespace: string) => `n3r-egress-${namespace}`;

interface Claim {
  namespace: string;
  requestId: string | undefined;
}

interface EgressPolicy extends KubernetesObject {
  spec?: { egressGateway?: { egressIP?: string } };
}

/**
 * Keeps the egress IPs in Redis true to the apiservers: an address whose namespace is gone (deleted by
 * anyone) goes back to the pool, with its orphaned CiliumEgressGatewayPolicy; an address in use there that
 * Redis lost is recorded again, so it is never handed out twice; two namespaces on one address are reported
 * loudly. It runs with every grant sweep, so at worker start too. One cluster's failure does not stop the others.
 */
export class EgressReconciler {
  readonly #graceMs: number;
  readonly #now: () => Date;

  constructor(
    private readonly deps: {
      kube: KubeClients;
      registry: ClusterRegistry;
      allocator: EgressIpAllocator;
      store: Pick<RequestStore, 'update'>;
      log: Logger;
      reports: EgressReports;
    },
    options: EgressReconcilerOptions = {},
  ) {
    this.#graceMs = options.releaseGraceMs ?? 600_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Reconciles every cluster of the registry. */
  async reconcile(): Promise<Record<string, EgressReconciliation | 'failed'>> {
    const results: Record<string, EgressReconciliation | 'failed'> = {};
    for (const cluster of this.deps.registry.clusters) {
      try {
        results[cluster.name] = await this.reconcileCluster(cluster.name);
      } catch (error) {
        results[cluster.name] = 'failed';
        this.deps.log.error({ cluster: cluster.name, err: error }, 'egress IPs not reconciled');
      }
    }
    return results;
  }

  async reconcileCluster(cluster: string): Promise<EgressReconciliation> {
    const { allocator, log, reports } = this.deps;
    const api = this.deps.kube.for(cluster);
    const pools = this.deps.registry.clusters.find((c) => c.name === cluster)?.natGateway.egressPools ?? [];
    const ranges = pools.map(poolRange);
    const inPools = (ip: string) =>
      /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) &&
      ranges.some((r) => ipv4Number(ip) >= r.first && ipv4Number(ip) <= r.last);

    // Read Redis first: an address allocated after the apiserver was read cannot look abandoned.
    const allocations = await allocator.allocationList(cluster);
    const namespaces = await listAll(api, 'v1', 'Namespace', cluster);
    const policies = (await listAll(api, 'cilium.io/v2', 'CiliumEgressGatewayPolicy', cluster, true)).filter(
      (p) => p.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'n3r',
    ) as EgressPolicy[];
    const present = new Set(namespaces.map((ns) => ns.metadata?.name ?? ''));

    // Who uses each address of the pools: the namespace's annotation and its egress policy both count.
    const claims = new Map<string, Map<string, Claim>>();
    const claim = (ip: string | undefined, namespace: string, requestId: string | undefined) => {
      if (!ip) return;
      if (!inPools(ip)) {
        log.warn({ cluster, namespace, egressIp: ip, pools }, 'egress IP in use outside the pools');
        return;
      }
      const byNamespace = claims.get(ip) ?? new Map<string, Claim>();
      if (!byNamespace.has(namespace)) byNamespace.set(namespace, { namespace, requestId });
      claims.set(ip, byNamespace);
    };
    for (const ns of namespaces) {
      const name = ns.metadata?.name ?? '';
      claim(
        ns.metadata?.annotations?.[egressIpAnnotation],
        name,
        ns.metadata?.annotations?.[requestIdAnnotation],
      );
    }
    for (const policy of policies) {
      const namespace = policy.metadata?.labels?.['n3r.io/namespace'];
      if (namespace && present.has(namespace)) {
        claim(
          policy.spec?.egressGateway?.egressIP,
          namespace,
          policy.metadata?.annotations?.[requestIdAnnotation],
        );
      }
    }

    const result: EgressReconciliation = { released: [], leaked: [], duplicates: [] };
    const cutoff = new Date(this.#now().getTime() - this.#graceMs);
    for (const allocation of allocations) {
      if (present.has(allocation.namespace) || claims.has(allocation.ip)) continue;
      if (allocation.at !== undefined && allocation.at > cutoff.getTime()) continue;
      const outcome = await allocator.reclaim(cluster, allocation.ip, allocation.namespace, cutoff);
      if (outcome !== 'released') continue;
      result.released.push(allocation.ip);
      await this.removeOrphanPolicy(api, cluster, allocation.namespace, allocation.ip);
      log.info(
        {
          cluster,
          namespace: allocation.namespace,
          egressIp: allocation.ip,
          requestId: allocation.requestId,
        },
        'egress IP released: its namespace is gone',
      );
      if (allocation.requestId) await this.audit(allocation.requestId, cluster, allocation);
    }

    const holders = new Map(allocations.map((a) => [a.ip, a.namespace]));
    for (const [ip, byNamespace] of [...claims].sort(([a], [b]) => ipv4Number(a) - ipv4Number(b))) {
      const users = [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
      const holder = holders.get(ip);
      const kept = users.find((u) => u.namespace === holder) ?? users[0];
      if (!kept) continue;
      if (users.length > 1) {
        result.duplicates.push(ip);
        log.error(
          { cluster, egressIp: ip, namespaces: users.map((u) => u.namespace) },
          'egress IP used by more than one namespace',
        );
      }
      if (holder === kept.namespace) continue;
      const recorded = await allocator.record(cluster, ip, kept.namespace, kept.requestId);
      if (recorded.status === 'recorded') {
        result.leaked.push(ip);
        log.warn(
          { cluster, namespace: kept.namespace, egressIp: ip, requestId: kept.requestId },
          'egress IP in use but not allocated in Redis: recorded again',
        );
      } else if (recorded.status === 'held' && !result.duplicates.includes(ip)) {
        // Redis gave the address to a namespace the apiserver does not show on it (yet): one of them is wrong.
        result.duplicates.push(ip);
        log.error(
          { cluster, egressIp: ip, namespaces: [kept.namespace], allocatedTo: recorded.holder },
          'egress IP in use by a namespace while allocated to another',
        );
      }
    }

    reports.egressIpsReleased(cluster, result.released.length);
    reports.egressIpsLeaked(cluster, result.leaked.length);
    reports.egressIpDuplicates(cluster, result.duplicates.length);
    return result;
  }

  /**
   * The namespace's CiliumEgressGatewayPolicy outlives it (it is cluster-scoped); it goes with the address,
   * unless the namespace is back meanwhile or the policy names another address.
   */
  private async removeOrphanPolicy(
    api: RawObjectApi,
    cluster: string,
    namespace: string,
    ip: string,
  ): Promise<void> {
    const ref = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumEgressGatewayPolicy',
      metadata: { name: policyName(namespace) },
    };
    try {
      const live = await getObject<EgressPolicy>(api, ref);
      if (live?.spec?.egressGateway?.egressIP !== ip) return;
      if (await getObject(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }))
        return;
      await deleteManaged(api, ref, { dryRun: false });
    } catch (error) {
      this.deps.log.warn({ cluster, namespace, err: error }, 'orphaned egress policy not removed');
    }
  }

  private async audit(
    requestId: string,
    cluster: string,
    allocation: { ip: string; namespace: string },
  ): Promise<void> {
    try {
      await this.deps.store.update(requestId, (record) => ({
        record,
        audit: {
          event: 'egress-ip-released',
          actor: 'n3r',
          detail: {
            cluster,
            namespace: allocation.namespace,
            egressIp: allocation.ip,
            why: 'namespace gone',
          },
        },
      }));
    } catch (error) {
      this.deps.log.warn({ requestId, err: error }, 'egress IP release not audited');
    }
  }
}

/** Every object of a cluster-scoped kind, page by page; a kind the cluster does not serve is empty if `optional`. */
async function listAll(
  api: RawObjectApi,
  apiVersion: string,
  kind: string,
  cluster: string,
  optional = false,
): Promise<KubernetesObject[]> {
  const items: KubernetesObject[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await api.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        500,
        token,
      );
      items.push(...page.items);
      token = page.metadata?._continue || undefined;
    } catch (error) {
      if (optional && (error as { code?: number }).code === 404) return [];
      throw fromKubeError(error, `listing ${kind} objects of ${cluster}`);
    }
  } while (token);
  return items;
}

import type { KindExecutor } from '../../core/ports.js';
import type { RequestRecord } from '../../core/request.js';
import { AppError } from '../../errors.js';
import { clusterOf, type ExecutorDeps, executorOptions } from '../../executors/executor-deps.js';
import { applyAll, type Manifest } from '../../executors/kube-apply.js';
import { managedMetadata } from '../../executors/managed-metadata.js';
import { EgressIpAllocator } from '../../store/egress-ip-allocator.js';
import { type AclRecord, AclRecords } from './acl-records.js';
import { type AclOpenParams, type AclPort, aclDirection } from './params.js';

/** The CiliumNetworkPolicy of an ACL request: one per request, so revoking it removes exactly that ACL. */
export const aclPolicyName = (requestId: string) => `n3r-acl-${requestId}`;

/** Annotation on an ACL's policy: when it is revoked. */
export const expiresAtAnnotation = 'n3r.io/expires-at';

// The CRD allows 40 ports per toPorts entry.
const maxPortsPerRule = 40;

function toPorts(ports: readonly AclPort[]) {
  const rules = [];
  for (let i = 0; i < ports.length; i += maxPortsPerRule) {
    rules.push({
      ports: ports.slice(i, i + maxPortsPerRule).map((p) => ({ port: String(p.port), protocol: p.protocol })),
    });
  }
  return rules;
}

const showPorts = (ports: readonly AclPort[]) => ports.map((p) => `${p.protocol}/${p.port}`).join(', ');

/**
 * The policy that opens an ACL. Egress: to the destination CIDRs and, inter-cluster, to the target's L4
 * load-balancer address. Ingress: from the source CIDRs; the fixed ELB addresses forward with the client's
 * address, so the namespace's pods see the sources.
 */
export function aclPolicy(record: RequestRecord, acl: AclRecord): Manifest {
  const meta = managedMetadata(record, { 'n3r.io/acl': acl.direction });
  const rules = toPorts(acl.ports);
  const spec =
    acl.direction === 'ingress'
      ? { ingress: [{ fromCIDR: acl.cidrs, toPorts: rules }] }
      : {
          egress: [
            ...(acl.cidrs.length > 0 ? [{ toCIDR: acl.cidrs, toPorts: rules }] : []),
            ...(acl.interCluster
              ? [{ toCIDR: [`${acl.interCluster.target.lbAddress}/32`], toPorts: rules }]
              : []),
          ],
        };
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: {
      name: acl.policy.name,
      namespace: acl.namespace,
      labels: meta.labels,
      annotations: { ...meta.annotations, [expiresAtAnnotation]: acl.expiresAt },
    },
    spec: {
      description: `n3r ACL ${record.id} (${acl.direction}), expires ${acl.expiresAt}`,
      endpointSelector: {},
      ...spec,
    },
  };
}

/** The TTL the policy obliges (`obligations.ttl_seconds`), else the one asked for. */
function ttlSeconds(record: RequestRecord, askedSeconds: number): number {
  const obliged = record.decision.obligations.ttl_seconds;
  return typeof obliged === 'number' && obliged > 0 ? obliged : askedSeconds;
}

export function aclOpenExecutor(deps: ExecutorDeps): KindExecutor<AclOpenParams> {
  const records = new AclRecords(deps.redis, deps.prefix);
  const nat = new EgressIpAllocator(deps.redis, deps.prefix);
  const options = executorOptions(deps);
  return async ({ record, params, dryRun, log }) => {
    const cluster = clusterOf(deps, record.cluster.name);
    const direction = aclDirection(params);
    const ports = params.ports;
    const cidrs = ((direction === 'ingress' ? params.from : params.to) ?? []).map((c) => c.text);
    const via =
      direction === 'ingress'
        ? params.via === 'l7'
          ? { kind: 'l7' as const, address: cluster.elbGateway.l7Address }
          : { kind: 'l4' as const, address: cluster.elbGateway.l4Address }
        : null;

    let interCluster: AclRecord['interCluster'] = null;
    const targetName = params['to-cluster'];
    const targetNamespace = params['to-namespace'];
    if (targetName !== undefined && targetNamespace !== undefined) {
      const target = deps.registry.clusters.find((c) => c.name === targetName);
      if (!target) {
        throw new AppError('INVALID_INPUT', `unknown target cluster ${targetName}`, {
          userText: `cluster ${targetName} is not a cluster n3r knows; nothing was changed`,
        });
      }
      const natIp = await nat.lookup(cluster.name, params.namespace);
      if (natIp === null) {
        throw new AppError(
          'CONFLICT',
          `namespace ${params.namespace} on ${cluster.name} has no NAT egress IP`,
          {
            userText:
              `namespace ${params.namespace} on ${cluster.name} has no fixed NAT egress IP, so ${targetName} could not tell ` +
              'its traffic apart; nothing was changed. Namespaces created with /n3r ns create have one: ask the platform team.',
          },
        );
      }
      interCluster = {
        source: { cluster: cluster.name, namespace: params.namespace, natIp },
        target: { cluster: target.name, namespace: targetNamespace, lbAddress: target.elbGateway.l4Address },
      };
    }

    // A retried job keeps the expiry of its first attempt, so running it again changes nothing.
    const first = await records.get(record.id);
    const expiresAt =
      first?.expiresAt ??
      new Date(options.now().getTime() + ttlSeconds(record, params.ttl.seconds) * 1000).toISOString();
    const acl: AclRecord = {
      requestId: record.id,
      cluster: cluster.name,
      namespace: params.namespace,
      direction,
      ports,
      cidrs,
      via,
      interCluster,
      policy: { cluster: cluster.name, namespace: params.namespace, name: aclPolicyName(record.id) },
      createdAt: first?.createdAt ?? options.now().toISOString(),
      expiresAt,
    };
    // Recorded before it is applied: whatever happens next, revokeAcl finds what to remove.
    const recorded = dryRun ? acl : await records.put(acl);
    const applied = await applyAll(deps.kube.for(cluster.name), [aclPolicy(record, recorded)], {
      dryRun,
      log,
    });

    const would = dryRun ? 'would be opened' : 'opened';
    const details = [`expires ${expiresAt}; it is revoked then`];
    let summary: string;
    if (direction === 'ingress') {
      summary = `ingress ACL ${would} to ${params.namespace} on ${cluster.name} from ${cidrs.join(', ')} via ${via?.kind} on ${showPorts(ports)}`;
      details.push(
        `traffic enters through the cluster's fixed ${via?.kind.toUpperCase()} address ${via?.address}`,
      );
    } else {
      const towards = [
        ...cidrs,
        ...(interCluster ? [`${interCluster.target.namespace} on ${interCluster.target.cluster}`] : []),
      ];
      summary = `egress ACL ${would} from ${params.namespace} on ${cluster.name} to ${towards.join(', ')} on ${showPorts(ports)}`;
      if (interCluster) {
        details.push(
          `to the L4 load balancer ${interCluster.target.lbAddress} of ${interCluster.target.cluster}, from NAT IP ` +
            `${interCluster.source.natIp}; recorded centrally for ${interCluster.target.cluster}'s allow-list`,
        );
      }
    }
    return {
      summary,
      details: [...details, ...applied.map((name) => `• ${name}`)],
      ...(dryRun ? {} : { expiresAt }),
    };
  };
}

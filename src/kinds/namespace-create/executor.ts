import type { KindExecutor } from '../../core/ports.js';
import type { RequestRecord } from '../../core/request.js';
import { AppError } from '../../errors.js';
import {
  clusterOf,
  type ExecutorDeps,
  type ExecutorOptions,
  executorOptions,
} from '../../executors/executor-deps.js';
import { applyAll, type Manifest, objectName } from '../../executors/kube-apply.js';
import { KubeFactsProvider } from '../../executors/kube-facts-provider.js';
import { managedMetadata } from '../../executors/managed-metadata.js';
import { EgressIpAllocator } from '../../store/egress-ip-allocator.js';
import type { NamespaceCreateParams } from './params.js';

export type { Manifest } from '../../executors/kube-apply.js';

/** Annotation on a namespace naming its fixed NAT egress IP. */
export const egressIpAnnotation = 'n3r.io/egress-ip';

/** The CiliumEgressGatewayPolicy of a namespace: its pods leave the cluster from its own egress IP. */
export function egressGatewayPolicy(
  record: RequestRecord,
  namespace: string,
  egressIp: string,
  options: Pick<ExecutorOptions, 'egressGatewayNodeLabels' | 'clusterInternalCidrs'>,
): Manifest {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumEgressGatewayPolicy',
    metadata: {
      name: `n3r-egress-${namespace}`,
      ...managedMetadata(record, { 'n3r.io/namespace': namespace }),
    },
    spec: {
      // Cilium labels every endpoint with its namespace; this selects all pods of the namespace.
      selectors: [{ podSelector: { matchLabels: { 'io.kubernetes.pod.namespace': namespace } } }],
      destinationCIDRs: ['0.0.0.0/0'],
      ...(options.clusterInternalCidrs.length > 0 ? { excludedCIDRs: options.clusterInternalCidrs } : {}),
      egressGateway: { nodeSelector: { matchLabels: options.egressGatewayNodeLabels }, egressIP: egressIp },
    },
  };
}

/**
 * The objects of a team namespace; applying them again changes nothing. With an egress IP, the namespace
 * names it and a CiliumEgressGatewayPolicy binds it.
 */
export function namespaceObjects(
  record: RequestRecord,
  params: Pick<NamespaceCreateParams, 'name' | 'team' | 'cpu' | 'memory'>,
  egress?: { ip: string; options: Pick<ExecutorOptions, 'egressGatewayNodeLabels' | 'clusterInternalCidrs'> },
): Manifest[] {
  const meta = managedMetadata(record, { 'n3r.io/team': params.team });
  const namespace = params.name;
  const inNamespace = (name: string) => ({ name, namespace, ...meta });
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: { ...meta.labels, 'pod-security.kubernetes.io/enforce': 'baseline' },
        annotations: egress ? { ...meta.annotations, [egressIpAnnotation]: egress.ip } : meta.annotations,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: inNamespace('n3r-quota'),
      spec: {
        hard: {
          'requests.cpu': params.cpu.text,
          'limits.cpu': params.cpu.text,
          'requests.memory': params.memory.text,
          'limits.memory': params.memory.text,
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: inNamespace('n3r-defaults'),
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: inNamespace('n3r-default-deny'),
      spec: {
        // Nothing in or out but DNS; ACL requests open the rest.
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: inNamespace('n3r-team-edit'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: params.team }],
    },
    ...(egress ? [egressGatewayPolicy(record, namespace, egress.ip, egress.options)] : []),
  ];
}

export function namespaceCreateExecutor(deps: ExecutorDeps): KindExecutor<NamespaceCreateParams> {
  const allocator = new EgressIpAllocator(deps.redis, deps.prefix);
  const options = executorOptions(deps);
  const namespaceFacts = new KubeFactsProvider(deps.kube);
  return async ({ record, params, dryRun, facts, log }) => {
    const api = deps.kube.for(record.cluster.name);
    const existing = facts?.namespace ?? (await namespaceFacts.namespace(record.cluster.name, params.name));
    if (existing.exists && existing.requestId !== record.id) {
      const by = existing.requestId ? `request ${existing.requestId}` : 'someone outside n3r';
      throw new AppError('CONFLICT', `namespace ${params.name} exists (created by ${by})`, {
        userText: `namespace ${params.name} already exists on ${record.cluster.name} (created by ${by}); nothing was changed`,
      });
    }

    // Allocated before anything is applied: an exhausted pool leaves nothing half-made, and a retry of this
    // request gets the address its first attempt took.
    const pools = clusterOf(deps, record.cluster.name).natGateway.egressPools;
    const egressIp = await (dryRun
      ? allocator.peek(record.cluster.name, pools, params.name)
      : allocator.allocate(record.cluster.name, pools, params.name, { requestId: record.id })
    ).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'EXHAUSTED') throw error;
      throw new AppError('UPSTREAM_UNAVAILABLE', `allocating an egress IP: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    });
    log.info({ egressIp, pools, dryRun }, dryRun ? 'egress IP available' : 'egress IP allocated');

    const objects = namespaceObjects(record, params, { ip: egressIp, options });
    const takeOver = params['take-over'] === 'yes';
    const applied: string[] = [];
    if (existing.exists) {
      // A namespace that exists (a retry, or its request run again) may hold fields others set since, such
      // as a quota an operator edited: every object is dry-run first, and one such field stops it all.
      applied.push(...(await applyAll(api, objects, { dryRun, log, takeOver })));
    } else if (dryRun) {
      // A dry run cannot place objects in a namespace that does not exist yet: the apiserver refuses
      // them (NamespaceLifecycle), so they are listed as coming with the namespace, unvalidated.
      for (const object of objects) {
        applied.push(
          ...(object.metadata?.namespace
            ? [`${objectName(object)} (with the namespace; validated when it exists)`]
            : await applyAll(api, [object], { dryRun, log, absent: true, takeOver })),
        );
      }
    } else {
      // A namespace found absent holds nothing yet: its objects need no read before they are applied.
      applied.push(...(await applyAll(api, objects, { dryRun, log, absent: true, takeOver })));
    }
    return {
      summary: `namespace ${params.name} ${dryRun ? 'would be created' : 'created'} on ${record.cluster.name} for ${params.team}, egress IP ${egressIp}`,
      details: [
        `quota: cpu ${params.cpu.text}, memory ${params.memory.text}; default-deny network policy (DNS allowed); group ${params.team} can edit`,
        `egress IP ${egressIp}${dryRun ? ' (the next free one; allocated when it runs)' : ''}: traffic from ${params.name} leaves the cluster from this fixed address through the NAT gateway, so legacy servers can whitelist it`,
        ...applied.map((name) => `• ${name}`),
      ],
    };
  };
}

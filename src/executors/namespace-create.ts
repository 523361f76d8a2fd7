import type { KubernetesObject } from '@kubernetes/client-node';
import type { Executor } from '../core/ports.js';
import { AppError } from '../errors.js';
import type { KubeClients } from './kube-clients.js';
import { fromKubeError } from './kube-errors.js';
import { fieldManager, managedByLabel, managedMetadata, requestIdAnnotation } from './managed-metadata.js';

/** A manifest as applied: a Kubernetes object with any body. */
export type Manifest = KubernetesObject & Record<string, unknown>;

/** The objects of a team namespace; applying them again changes nothing. */
export function namespaceObjects(
  record: Parameters<typeof managedMetadata>[0],
  params: { name: string; team: string; cpu: string; memory: string },
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
        annotations: meta.annotations,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: inNamespace('n3r-quota'),
      spec: {
        hard: {
          'requests.cpu': params.cpu,
          'limits.cpu': params.cpu,
          'requests.memory': params.memory,
          'limits.memory': params.memory,
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
  ];
}

export function namespaceCreateExecutor(kube: KubeClients): Executor<'namespace.create'> {
  return async ({ record, params, dryRun, log }) => {
    const api = kube.for(record.cluster.name);
    const existing = await api
      .get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: params.name } })
      .catch((error: unknown) => {
        throw fromKubeError(error, `reading namespace ${params.name}`);
      });
    const owner = existing?.metadata?.annotations?.[requestIdAnnotation];
    if (existing && owner !== record.id) {
      const by =
        existing.metadata?.labels?.[managedByLabel] === 'n3r' && owner
          ? `request ${owner}`
          : 'someone outside n3r';
      throw new AppError('CONFLICT', `namespace ${params.name} exists (created by ${by})`, {
        userText: `namespace ${params.name} already exists on ${record.cluster.name} (created by ${by}); nothing was changed`,
      });
    }

    const applied: string[] = [];
    for (const object of namespaceObjects(record, params)) {
      const name = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
      // A dry run cannot place objects in a namespace that does not exist yet: the apiserver refuses
      // them (NamespaceLifecycle), so they are listed as coming with the namespace, unvalidated.
      if (dryRun && !existing && object.metadata?.namespace) {
        applied.push(`${name} (with the namespace; validated when it exists)`);
        continue;
      }
      await api.apply(object, { fieldManager, dryRun }).catch((error: unknown) => {
        throw fromKubeError(error, `applying ${name}`);
      });
      applied.push(name);
      log.debug({ object: name, dryRun }, 'applied');
    }
    return {
      summary: `namespace ${params.name} ${dryRun ? 'would be created' : 'created'} on ${record.cluster.name} for ${params.team}`,
      details: [
        `quota: cpu ${params.cpu}, memory ${params.memory}; default-deny network policy (DNS allowed); group ${params.team} can edit`,
        ...applied.map((name) => `• ${name}`),
      ],
    };
  };
}

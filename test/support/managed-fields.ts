import type { KubernetesObject } from '@kubernetes/client-node';
import { defaultExecutorOptions } from '../../src/executors/executor-deps.js';
import { namespaceObjects } from '../../src/kinds/namespace-create/executor.js';
import { namespaceCreate } from '../../src/kinds/namespace-create/index.js';
import { requestRecord } from './builders.js';

type FieldsV1 = { [key: string]: FieldsV1 };

/** A list element's key in FieldsV1: `k:{…}` (by key), `v:…` (by value) or `i:…` (by index). */
const isListItem = (key: string) => /^[kvi]:/.test(key);

/** The leaves of a FieldsV1 tree, as the apiserver names fields in conflicts: `.spec.maxReplicas`. A list is one leaf. */
function leaves(tree: FieldsV1, path: string): string[] {
  const keys = Object.keys(tree).filter((k) => k !== '.');
  if (keys.length === 0 || keys.some(isListItem)) return [path];
  return keys.flatMap((key) => leaves(tree[key] ?? {}, `${path}.${key.replace(/^f:/, '')}`));
}

/**
 * The fields each field manager holds on an object, from its managedFields, per `manager/operation`
 * (`n3r/Apply`, `kubectl-edit/Update`), each sorted; lists count as one field.
 */
export function fieldsByManager(object: KubernetesObject | null | undefined): Record<string, string[]> {
  const owned: Record<string, string[]> = {};
  for (const entry of object?.metadata?.managedFields ?? []) {
    const key = `${entry.manager}/${entry.operation}${entry.subresource ? `/${entry.subresource}` : ''}`;
    owned[key] = [...(owned[key] ?? []), ...leaves((entry.fieldsV1 ?? {}) as FieldsV1, '')].sort();
  }
  return owned;
}

/** The fields a manifest sets, named as fieldsByManager names them: what its applier comes to own. */
export function fieldsOf(manifest: KubernetesObject): string[] {
  const walk = (value: unknown, path: string): string[] => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [path];
    const entries = Object.entries(value);
    if (entries.length === 0) return [path];
    return entries.flatMap(([key, child]) => walk(child, `${path}.${key}`));
  };
  const {
    apiVersion: _v,
    kind: _k,
    metadata = {},
    ...rest
  } = manifest as Record<string, unknown> & {
    metadata?: Record<string, unknown>;
  };
  const { name: _n, namespace: _ns, ...meta } = metadata;
  return [...walk(meta, '.metadata'), ...walk(rest, '')].filter((p) => p !== '.metadata' && p !== '').sort();
}

/** Whether two field paths are the same field or one holds the other. */
const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/**
 * Who holds the fields of a manifest on the live object: n3r's apply should hold exactly them, and no other
 * manager any of them. Returns what differs from that, `[]` when nothing does, so a test names each field.
 */
export function ownershipProblems(object: KubernetesObject | null, manifest: KubernetesObject): string[] {
  const owned = fieldsByManager(object);
  const applied = fieldsOf(manifest);
  const mine = owned['n3r/Apply'] ?? [];
  // An atomic struct (a label selector, a roleRef) is held whole: its fields are held through it.
  const within = (field: string, whole: string) => field === whole || field.startsWith(`${whole}.`);
  const problems = [
    ...applied.filter((a) => !mine.some((m) => within(a, m))).map((f) => `${f} is not held by n3r`),
    ...mine
      .filter((m) => !applied.some((a) => within(a, m)))
      .map((f) => `${f} is held by n3r but not applied`),
  ];
  for (const [manager, fields] of Object.entries(owned)) {
    if (manager === 'n3r/Apply') continue;
    for (const field of fields.filter((f) => applied.some((a) => overlaps(a, f))))
      problems.push(`${field} is held by ${manager} too`);
  }
  return problems;
}

/**
 * The objects a namespace.create request applies (Namespace, ResourceQuota, LimitRange, NetworkPolicy,
 * RoleBinding), as namespaceObjects builds them: the fields are the same whatever the values, so any
 * request's stand in for the one that ran.
 */
export function teamNamespaceManifests(name: string): KubernetesObject[] {
  const params = namespaceCreate.params.parse({ name, cluster: 'pub-local-a', team: 'team-a' });
  return namespaceObjects(requestRecord(), params, {
    ip: '203.0.113.1',
    options: defaultExecutorOptions,
  }).filter((m) => m.kind !== 'CiliumEgressGatewayPolicy');
}

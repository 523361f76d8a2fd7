import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../logger.js';
import { fromKubeError } from './kube-errors.js';
import type { RawObjectApi } from './kube-object-api.js';
import { fieldManager, managedByLabel, requestIdAnnotation } from './managed-metadata.js';

/** A manifest as applied: a Kubernetes object with any body. */
export type Manifest = KubernetesObject & Record<string, unknown>;

/** How an object is named, to find it again. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** `Deployment team-a-web/web`, for messages and logs. */
export function objectName(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata?.name}`;
}

export function refOf(object: KubernetesObject): ObjectRef {
  const { namespace, name = '' } = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    metadata: namespace === undefined ? { name } : { name, namespace },
  };
}

/** The object as stored, without what every write changes. */
function content(object: KubernetesObject): string {
  const { resourceVersion: _version, managedFields, ...metadata } = object.metadata ?? {};
  return JSON.stringify({
    ...object,
    metadata: { ...metadata, managedFields: managedFields?.map(({ time: _time, ...field }) => field) },
  });
}

/** Metadata the apiserver sets on every write; a difference there is no change to show. */
const volatileMetadata = new Set([
  'resourceVersion',
  'managedFields',
  'generation',
  'uid',
  'creationTimestamp',
]);

/** Where two versions of an object differ, as dotted paths (at most `limit`), for a reviewer to read. */
export function changedPaths(before: unknown, after: unknown, limit = 8, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [path || '(whole object)'];
  const paths: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if ((path === 'metadata' && volatileMetadata.has(key)) || (path === '' && key === 'status')) continue;
    for (const changed of changedPaths(before[key], after[key], limit, path ? `${path}.${key}` : key)) {
      if (paths.length < limit) paths.push(changed);
    }
  }
  return paths;
}

/**
 * Applies objects in order (server-side, field manager n3r); returns their names as applied, marked
 * `(unchanged)` when they already were as asked. Whether an apply would change anything is asked first
 * (a server-side dry run against the live object): the apiserver writes some custom resources on every
 * apply even when nothing changed (ListenerSet, whose CRD defaults its status), and a re-run must not.
 */
export async function applyAll(
  api: RawObjectApi,
  objects: readonly Manifest[],
  options: {
    dryRun: boolean;
    log: Logger;
    /** The caller knows none of these exist yet (their namespace was just found absent): skip reading them. */
    absent?: boolean;
  },
): Promise<string[]> {
  const applied: string[] = [];
  for (const object of objects) {
    const name = objectName(object);
    const apply = (dryRun: boolean) =>
      api.apply(object, { fieldManager, dryRun }).catch((error: unknown) => {
        throw fromKubeError(error, `applying ${name}`);
      });
    const live = options.absent ? null : await getObject(api, refOf(object));
    if (live) {
      const would = await apply(true);
      if (content(live) === content(would)) {
        applied.push(`${name} (unchanged)`);
        continue;
      }
      if (!options.dryRun) await apply(false);
      options.log.debug({ object: name, dryRun: options.dryRun }, 'applied');
      applied.push(options.dryRun ? `${name} (changes ${changedPaths(live, would).join(', ')})` : name);
    } else {
      await apply(options.dryRun);
      options.log.debug({ object: name, dryRun: options.dryRun }, 'applied');
      applied.push(options.dryRun ? `${name} (new)` : name);
    }
  }
  return applied;
}

export async function getObject<T extends KubernetesObject = Manifest>(
  api: RawObjectApi,
  ref: ObjectRef,
): Promise<T | null> {
  return api.get<T>(ref).catch((error: unknown) => {
    throw fromKubeError(error, `reading ${objectName(ref)}`);
  });
}

/** Whether n3r wrote this object (its managed-by label), and for which request when `requestId` is given. */
export function managedByN3r(object: KubernetesObject | null, requestId?: string): boolean {
  if (object?.metadata?.labels?.[managedByLabel] !== 'n3r') return false;
  return requestId === undefined || object.metadata.annotations?.[requestIdAnnotation] === requestId;
}

/**
 * Deletes an object if n3r manages it (and, given `requestId`, if that request wrote it); an object that is
 * already gone is fine. Returns whether there was something to delete.
 */
export async function deleteManaged(
  api: RawObjectApi,
  ref: ObjectRef,
  options: { dryRun: boolean; requestId?: string },
): Promise<boolean> {
  const live = await getObject(api, ref);
  if (!live || !managedByN3r(live, options.requestId)) return false;
  try {
    await api.delete(ref, undefined, options.dryRun ? 'All' : undefined, undefined, undefined, 'Background');
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw fromKubeError(error, `deleting ${objectName(ref)}`);
  }
  return true;
}

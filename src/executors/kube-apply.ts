import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../logger.js';
import { type FieldConflict, fieldConflictError, fieldConflictsOf, fromKubeError } from './kube-errors.js';
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

/** Whether n3r takes over fields other managers hold (`--take-over`), for kinds that offer it. */
export interface TakeOverOption {
  /**
   * `true`: apply with force, so fields other managers hold become n3r's. `false`: such a field is a conflict
   * and nothing is written. Absent: as `false`, for a kind without `--take-over` (its conflict text does not
   * offer it). @defaultValue undefined
   */
  takeOver?: boolean;
}

/** One object of a plan: what a server-side dry run said applying it would do. */
export interface PlannedObject {
  object: Manifest;
  name: string;
  /** `new`: it does not exist; `unchanged`: applying it changes nothing, so it is not applied. */
  change: 'new' | 'changed' | 'unchanged';
  /** Where it would change (for `changed`), for a reviewer to read. */
  paths: string[];
  /** With `takeOver`: the fields other managers hold that it takes over. */
  takes: { field: string; manager: string }[];
}

/** `; takes over .spec.maxReplicas from 'team-a-tuning'`, or nothing. */
const takesText = (takes: PlannedObject['takes'], verb: string) =>
  takes.length === 0 ? '' : `; ${verb} ${takes.map((t) => `${t.field} from '${t.manager}'`).join(', ')}`;

/**
 * Dry-runs the apply of every object (server-side, field manager n3r, force only with `takeOver`) before
 * anything is written, and throws one FIELD_CONFLICT error naming every field another manager holds, over
 * all the objects: a conflict on the fourth object leaves the first three untouched. Whether an apply would
 * change anything is asked of the apiserver against the live object: it writes some custom resources on
 * every apply even when nothing changed (ListenerSet, whose CRD defaults its status), and a re-run must not.
 */
export async function planApply(
  api: RawObjectApi,
  objects: readonly Manifest[],
  options: { log: Logger } & TakeOverOption,
): Promise<PlannedObject[]> {
  const planned: PlannedObject[] = [];
  const conflicts: FieldConflict[] = [];
  for (const object of objects) {
    const name = objectName(object);
    const live = await getObject(api, refOf(object));
    const dryRun = (force: boolean) => api.apply(object, { fieldManager, dryRun: true, force });
    let would: KubernetesObject;
    let takes: PlannedObject['takes'] = [];
    try {
      would = await dryRun(false);
    } catch (error) {
      const held = fieldConflictsOf(error);
      if (!held) throw fromKubeError(error, `applying ${name}`);
      if (options.takeOver !== true) {
        conflicts.push(...held.map((c) => ({ ...c, object: name })));
        continue;
      }
      // Taken over: what is taken from whom is part of the plan the approvers and the requester read.
      takes = held;
      would = await dryRun(true).catch((forced: unknown) => {
        throw fromKubeError(forced, `applying ${name}`);
      });
    }
    if (!live) planned.push({ object, name, change: 'new', paths: [], takes });
    else if (content(live) === content(would))
      planned.push({ object, name, change: 'unchanged', paths: [], takes });
    else planned.push({ object, name, change: 'changed', paths: changedPaths(live, would), takes });
  }
  if (conflicts.length > 0) {
    options.log.info({ conflicts }, 'fields held by other managers');
    throw fieldConflictError(conflicts, { takeOver: options.takeOver });
  }
  return planned;
}

/** The plan as lines for people: `Deployment team-a-web/web (changes spec.template…)`, `… (new)`. */
export function describePlan(plan: readonly PlannedObject[]): string[] {
  return plan.map(({ name, change, paths, takes }) =>
    change === 'changed'
      ? `${name} (changes ${paths.join(', ')}${takesText(takes, 'takes over')})`
      : `${name} (${change}${takesText(takes, 'takes over')})`,
  );
}

/**
 * Applies what a plan found to change, in order; returns the names as applied, marked `(unchanged)` when
 * they already were as asked. Without force an apply still fails if another manager took a field since the
 * dry run (a race this cannot close: the apiserver has no transaction over several objects); then the
 * objects before it stay applied, and the conflict is reported as from the dry run.
 */
export async function applyPlanned(
  api: RawObjectApi,
  plan: readonly PlannedObject[],
  options: { log: Logger } & TakeOverOption,
): Promise<string[]> {
  const applied: string[] = [];
  for (const { object, name, change, takes } of plan) {
    if (change === 'unchanged') {
      applied.push(`${name} (unchanged)`);
      continue;
    }
    await applyOne(api, object, { dryRun: false, ...options });
    applied.push(takes.length > 0 ? `${name} (${takesText(takes, 'took over').slice(2)})` : name);
  }
  return applied;
}

async function applyOne(
  api: RawObjectApi,
  object: Manifest,
  options: { dryRun: boolean; log: Logger } & TakeOverOption,
): Promise<KubernetesObject> {
  const name = objectName(object);
  const force = options.takeOver === true;
  try {
    const stored = await api.apply(object, { fieldManager, dryRun: options.dryRun, force });
    options.log.debug({ object: name, dryRun: options.dryRun, force }, 'applied');
    return stored;
  } catch (error) {
    const held = fieldConflictsOf(error);
    if (held)
      throw fieldConflictError(
        held.map((c) => ({ ...c, object: name })),
        { takeOver: options.takeOver, cause: error },
      );
    throw fromKubeError(error, `applying ${name}`);
  }
}

/**
 * Applies objects (server-side, field manager n3r; force only with `takeOver`): a dry run of them all first
 * (planApply: a field another manager holds stops it before anything is written), then those that change,
 * in order. Returns their names as applied, marked `(unchanged)` when they already were as asked; on a dry
 * run, what would happen to each.
 */
export async function applyAll(
  api: RawObjectApi,
  objects: readonly Manifest[],
  options: {
    dryRun: boolean;
    log: Logger;
    /**
     * The caller knows none of these exist yet (their namespace was just found absent): they are applied in
     * order, without reading or a dry run first, since the objects in a namespace that does not exist yet
     * cannot be dry-run. New objects hold no fields of other managers.
     */
    absent?: boolean;
  } & TakeOverOption,
): Promise<string[]> {
  if (options.absent) {
    const applied: string[] = [];
    for (const object of objects) {
      await applyOne(api, object, options);
      applied.push(options.dryRun ? `${objectName(object)} (new)` : objectName(object));
    }
    return applied;
  }
  const plan = await planApply(api, objects, options);
  return options.dryRun ? describePlan(plan) : applyPlanned(api, plan, options);
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

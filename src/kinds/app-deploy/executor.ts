import type { KubernetesObject } from '@kubernetes/client-node';
import type { KindExecutor } from '../../core/ports.js';
import type { RequestRecord } from '../../core/request.js';
import { AppError } from '../../errors.js';
import { type ExecutorDeps, executorOptions } from '../../executors/executor-deps.js';
import {
  applyAll,
  applyPlanned,
  deleteManaged,
  describePlan,
  getObject,
  managedByN3r,
  objectName,
  planApply,
} from '../../executors/kube-apply.js';
import { managedMetadata, requestIdAnnotation } from '../../executors/managed-metadata.js';
import { type AppMeta, type AppParams, appNameLabel, appObjectRefs, appObjects } from './app-manifests.js';
import { appDeployParams, replicaCeiling, routeUrl } from './params.js';
import { waitForRollout } from './rollout.js';

/**
 * What a deploy was: its request, requester and params. The Deployment carries its own and the one it replaced,
 * with the params as they were given (`given`), which the kind's schema reads again to the same typed values.
 */
export interface DeployRevision {
  requestId: string;
  requester: string;
  params: AppParams;
  given: Record<string, unknown>;
}

export const revisionAnnotation = 'n3r.io/deploy';
export const previousRevisionAnnotation = 'n3r.io/deploy-previous';

type Deployment = KubernetesObject & { spec?: { replicas?: number } };

function parseRevision(text: string | undefined): DeployRevision | null {
  if (text === undefined) return null;
  try {
    const value = JSON.parse(text) as { requestId?: unknown; requester?: unknown; params?: unknown };
    const params = appDeployParams.safeParse(value.params);
    if (typeof value.requestId !== 'string' || typeof value.requester !== 'string' || !params.success)
      return null;
    return {
      requestId: value.requestId,
      requester: value.requester,
      params: params.data,
      given: value.params as Record<string, unknown>,
    };
  } catch {
    return null;
  }
}

/** The labels and annotations of a revision's objects, so a rollback restores them as they were. */
function revisionMeta(
  record: RequestRecord,
  revision: DeployRevision,
  previous: DeployRevision | null,
): AppMeta {
  const meta = managedMetadata(record, { [appNameLabel]: revision.params.app });
  return {
    labels: meta.labels,
    annotations: {
      [requestIdAnnotation]: revision.requestId,
      'n3r.io/requester': revision.requester,
      [revisionAnnotation]: revisionText(revision),
      ...(previous ? { [previousRevisionAnnotation]: revisionText(previous) } : {}),
    },
  };
}

/** A revision as its annotation keeps it: the params as given, not the typed values they parse to. */
const revisionText = (revision: DeployRevision) =>
  JSON.stringify({ requestId: revision.requestId, requester: revision.requester, params: revision.given });

/** The live count when there is one, kept within the autoscaler's bounds, so an apply never undoes its scaling. */
function replicasFor(params: AppParams, live: Deployment | null): number {
  const min = params.replicas;
  const max = replicaCeiling(params);
  const current = live?.spec?.replicas;
  return current === undefined ? min : Math.min(max, Math.max(min, current));
}

const imageOf = (params: AppParams) => params.image.ref;

export function appDeployExecutor(deps: ExecutorDeps): KindExecutor<AppParams> {
  const options = executorOptions(deps);
  return async ({ record, params, dryRun, log, signal, progress }) => {
    const api = deps.kube.for(record.cluster.name);
    const refs = appObjectRefs(params.namespace, params.app);
    const [deploymentRef] = refs.workload;
    if (!deploymentRef) throw new AppError('INTERNAL', 'an app has a Deployment');
    const live = await getObject<Deployment>(api, deploymentRef);
    const where = `${params.namespace} on ${record.cluster.name}`;
    if (live && !managedByN3r(live)) {
      throw new AppError('CONFLICT', `deployment ${params.app} in ${where} is not n3r's`, {
        userText: `a deployment ${params.app} already exists in ${where} and was not deployed by n3r; nothing was changed`,
      });
    }
    const liveRevision = parseRevision(live?.metadata?.annotations?.[revisionAnnotation]);
    if (live && !liveRevision) {
      throw new AppError(
        'CONFLICT',
        `deployment ${params.app} in ${where} has no readable ${revisionAnnotation}`,
        {
          userText: `deployment ${params.app} in ${where} was changed outside n3r, so it could not be rolled back; nothing was changed`,
        },
      );
    }
    // What a failed rollout goes back to. A retry of this same request keeps what its first attempt replaced.
    const previous =
      liveRevision?.requestId === record.id
        ? parseRevision(live?.metadata?.annotations?.[previousRevisionAnnotation])
        : liveRevision;

    const revision: DeployRevision = {
      requestId: record.id,
      requester: record.requester.email ?? record.requester.slackId,
      params,
      given: record.params,
    };
    const objects = appObjects(
      params,
      revisionMeta(record, revision, previous),
      replicasFor(params, live),
      options,
    );
    const takeOver = params['take-over'] === 'yes';
    // Workload and exposure are dry-run together before anything is applied: a field another manager holds
    // on any of them (an autoscaler ceiling a team tuned) stops the deploy with nothing changed.
    const plan = await planApply(api, [...objects.workload, ...objects.exposure], { log, takeOver });
    const workloadPlan = plan.slice(0, objects.workload.length);
    const exposurePlan = plan.slice(objects.workload.length);
    const image = imageOf(params);

    if (dryRun) {
      const stale = await staleExposure(api, refs.exposure, objects.exposure);
      return {
        summary: `${params.app} (${image}) would be deployed to ${where}`,
        details: [
          ...(previous ? [`replacing ${imageOf(previous.params)}`] : ['first deploy']),
          ...describePlan(plan).map((name) => `• ${name}`),
          ...stale.map((name) => `• ${name} (would be removed)`),
        ],
      };
    }
    const applied = await applyPlanned(api, workloadPlan, { log, takeOver });

    const timeoutMs = params.timeout === undefined ? options.rolloutTimeoutMs : params.timeout.seconds * 1000;
    progress(
      `rolling out ${params.app} (${image})${previous ? `, replacing ${imageOf(previous.params)}` : ''}`,
    );
    const rollout = await waitForRollout(api, deploymentRef, {
      timeoutMs,
      pollMs: options.rolloutPollMs,
      signal,
      progress,
    });
    if (!rollout.done) {
      const failed = `${params.app} (${image}) did not become available within ${Math.round(timeoutMs / 1000)}s (${rollout.progress.available}/${rollout.progress.want} replicas available; ${rollout.reason})`;
      log.warn({ reason: rollout.reason, progress: rollout.progress }, 'rollout failed');
      if (previous) {
        progress(`rolling back ${params.app} to ${imageOf(previous.params)}`);
        const back = appObjects(
          previous.params,
          revisionMeta(record, previous, null),
          replicasFor(previous.params, live),
          options,
        );
        await applyAll(api, back.workload, { dryRun: false, log, takeOver });
        const restored = await waitForRollout(api, deploymentRef, {
          timeoutMs,
          pollMs: options.rolloutPollMs,
          signal,
          progress,
        });
        const state = restored.done
          ? 'it is available again'
          : `it is not available either (${restored.progress.available}/${restored.progress.want})`;
        throw new AppError('UPSTREAM_UNAVAILABLE', `${failed}; rolled back`, {
          userText: `${failed}. Rolled back to the previous version (${imageOf(previous.params)}): ${state}.`,
        });
      }
      for (const ref of refs.workload) await deleteManaged(api, ref, { dryRun: false, requestId: record.id });
      throw new AppError('UPSTREAM_UNAVAILABLE', `${failed}; removed`, {
        userText: `${failed}. It was the app's first deploy, so it was removed; nothing of it is left in ${params.namespace}.`,
      });
    }

    // Reached only once the new version serves: a route never points at a version that did not come up. Its
    // plan is from before the rollout; applying it without force still refuses a field taken since.
    const exposed = await applyPlanned(api, exposurePlan, { log, takeOver });
    const removed: string[] = [];
    for (const name of await staleExposure(api, refs.exposure, objects.exposure)) {
      const ref = refs.exposure.find((r) => objectName(r) === name);
      if (ref && (await deleteManaged(api, ref, { dryRun: false }))) removed.push(name);
    }
    const replicas = `${rollout.progress.available}/${rollout.progress.want} replicas available`;
    return {
      summary: `${params.app} (${image}) deployed to ${where}: ${replicas}${params.host ? `, ${routeUrl(params)}` : ''}`,
      details: [
        ...(previous ? [`replaced ${imageOf(previous.params)}`] : []),
        `autoscaling between ${params.replicas} and ${replicaCeiling(params)} replicas on CPU; cpu ${params.cpu.text}, memory ${params.memory.text} per replica`,
        ...[...applied, ...exposed].map((name) => `• ${name}`),
        ...removed.map((name) => `• ${name} removed (no longer asked for)`),
      ],
    };
  };
}

/** Exposure objects n3r made for this app earlier that the current params no longer ask for. */
async function staleExposure(
  api: ReturnType<ExecutorDeps['kube']['for']>,
  all: ReturnType<typeof appObjectRefs>['exposure'],
  wanted: readonly KubernetesObject[],
): Promise<string[]> {
  const keep = new Set(wanted.map(objectName));
  const stale: string[] = [];
  for (const ref of all) {
    if (keep.has(objectName(ref))) continue;
    if (managedByN3r(await getObject(api, ref))) stale.push(objectName(ref));
  }
  return stale;
}

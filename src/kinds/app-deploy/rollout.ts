import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import { AppError } from '../../errors.js';
import type { ObjectRef } from '../../executors/kube-apply.js';
import { getObject } from '../../executors/kube-apply.js';
import { fromKubeError } from '../../executors/kube-errors.js';
import type { RawObjectApi } from '../../executors/kube-object-api.js';

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

type Deployment = KubernetesObject & { spec?: { replicas?: number }; status?: DeploymentStatus };

export interface RolloutProgress {
  want: number;
  updated: number;
  available: number;
  /** Pods of the old versions still running. */
  old: number;
}

export type RolloutOutcome =
  | { done: true; progress: RolloutProgress }
  | { done: false; progress: RolloutProgress; reason: string };

/** Where a rollout stands, the way `kubectl rollout status` judges it; done when every replica is new and available. */
export function rolloutProgress(deployment: Deployment): RolloutProgress & { done: boolean } {
  const status = deployment.status ?? {};
  const want = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const old = Math.max(0, (status.replicas ?? 0) - updated);
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  return {
    want,
    updated,
    available,
    old,
    done: observed && updated >= want && old === 0 && available >= updated,
  };
}

/**
 * Polls a Deployment until its rollout is done or `timeoutMs` passes, reporting "2/3 replicas available" as
 * it changes. An aborted signal ends the wait with a retryable error: the worker is stopping, not failing.
 */
export async function waitForRollout(
  api: RawObjectApi,
  ref: ObjectRef,
  options: { timeoutMs: number; pollMs: number; signal: AbortSignal; progress: (line: string) => void },
): Promise<RolloutOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    const deployment = await getObject<Deployment>(api, ref);
    if (!deployment) {
      throw new AppError('CONFLICT', `deployment ${ref.metadata.name} disappeared during its rollout`, {
        userText: `deployment ${ref.metadata.name} was deleted while it rolled out`,
      });
    }
    const { done, ...progress } = rolloutProgress(deployment);
    const line = `${progress.available}/${progress.want} replicas available${progress.old > 0 ? `, ${progress.old} old still running` : ''}`;
    if (line !== last) options.progress(`${ref.metadata.name}: ${line}`);
    last = line;
    if (done) return { done: true, progress };
    if (Date.now() >= deadline)
      return { done: false, progress, reason: await notReadyReason(api, ref, deployment) };
    try {
      await sleep(Math.min(options.pollMs, Math.max(0, deadline - Date.now())), undefined, {
        signal: options.signal,
      });
    } catch {
      throw new AppError('UPSTREAM_UNAVAILABLE', `rollout of ${ref.metadata.name} interrupted`, {
        retryable: true,
      });
    }
  }
}

interface Pod extends KubernetesObject {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { ready?: boolean; state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

/** Why the newest pods are not ready, in the cluster's words: unschedulable, image pull, crash loop, … */
async function notReadyReason(api: RawObjectApi, ref: ObjectRef, deployment: Deployment): Promise<string> {
  const selector = Object.entries(
    (deployment as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec?.selector
      ?.matchLabels ?? {},
  )
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await api
    .list<Pod>('v1', 'Pod', ref.metadata.namespace, undefined, undefined, undefined, undefined, selector)
    .catch((error: unknown) => {
      throw fromKubeError(error, `listing the pods of ${ref.metadata.name}`);
    });
  for (const pod of pods.items) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False')
      return `pod not scheduled: ${scheduled.message ?? scheduled.reason ?? 'no reason given'}`;
    const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
    if (waiting)
      return `container waiting: ${waiting.reason ?? ''}${waiting.message ? ` (${waiting.message})` : ''}`;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True')
      return `pod ${pod.metadata?.name} not ready${ready?.message ? `: ${ready.message}` : ''}`;
  }
  const failure = deployment.status?.conditions?.find(
    (c) => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  if (failure) return `pods could not be created: ${failure.message ?? failure.reason}`;
  return pods.items.length === 0 ? 'no pods were created' : 'pods did not become available';
}

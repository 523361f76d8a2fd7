import type { Logger } from '../logger.js';
import type { Decision } from './decision.js';
import type { LifecycleEvents } from './lifecycle-events.js';
import type { RequestStore } from './ports.js';
import { publish, publishLatest } from './publish.js';
import { reportSettled } from './report-settled.js';
import type { ClusterRef, ClusterTarget, ExecutionResult, RequestRecord } from './request.js';
import { terminalStates } from './request.js';

const runnable = new Set(['queued', 'running']);

interface PartDeps {
  store: RequestStore;
  events: LifecycleEvents;
  log: Logger;
}

/**
 * What one job runs: a whole request on its one cluster, or one cluster's part of a request over several.
 * The run itself (re-decide, execute, report, retry) is the same for both; only how a start and an
 * outcome are recorded differs.
 */
export interface RunPart {
  /** The cluster whose part this is; absent for a whole request. */
  readonly cluster?: string;
  /** Marks the request (or part) running; null when it is not runnable (settled, cancelled, unknown). */
  start(
    store: RequestStore,
    requestId: string,
    attempt: number,
  ): Promise<{ record: RequestRecord; cluster: ClusterRef; first: boolean } | null>;
  /** The clusters the policy decides for (`input.context.targets`), when more than the one. */
  targets(record: RequestRecord): readonly ClusterRef[] | undefined;
  succeed(deps: PartDeps, requestId: string, result: ExecutionResult): Promise<void>;
  fail(deps: PartDeps, requestId: string, error: string, decision?: Decision): Promise<void>;
}

export function requestPart(cluster: string | undefined): RunPart {
  return cluster === undefined ? wholeRequest : clusterPart(cluster);
}

const wholeRequest: RunPart = {
  async start(store, requestId, attempt) {
    let first = false;
    const record = await store.update(requestId, (r) => {
      if (!runnable.has(r.state)) return null;
      first = r.state === 'queued';
      return {
        record: { ...r, state: 'running' },
        audit: { event: 'started', actor: 'n3r', detail: { attempt: String(attempt) } },
      };
    });
    return record ? { record, cluster: record.cluster, first } : null;
  },
  targets: () => undefined,
  async succeed(deps, requestId, result) {
    const done = await deps.store.transition(
      requestId,
      ['running'],
      'succeeded',
      { result },
      { event: 'succeeded', actor: 'n3r', detail: { summary: result.summary } },
    );
    if (done) await reportSettled(deps, deps.log, done);
  },
  async fail(deps, requestId, error, decision) {
    const failed = await deps.store.transition(
      requestId,
      ['queued', 'running'],
      'failed',
      { error, ...(decision ? { decision } : {}) },
      { event: 'failed', actor: 'n3r', detail: { error } },
    );
    if (failed) await reportSettled(deps, deps.log, failed);
  },
};

function clusterPart(cluster: string): RunPart {
  return {
    cluster,
    async start(store, requestId, attempt) {
      let first = false;
      const record = await store.update(requestId, (r) => {
        const target = r.targets?.find((t) => t.cluster.name === cluster);
        if (!target || !runnable.has(r.state) || !runnable.has(target.state)) return null;
        first = r.state === 'queued';
        return {
          record: { ...r, state: 'running', targets: withTarget(r, { ...target, state: 'running' }) },
          audit: { event: 'started', actor: 'n3r', detail: { cluster, attempt: String(attempt) } },
        };
      });
      const target = record?.targets?.find((t) => t.cluster.name === cluster);
      return record && target ? { record, cluster: target.cluster, first } : null;
    },
    targets(record) {
      const own = record.targets?.find((t) => t.cluster.name === cluster);
      return own ? [own.cluster] : undefined;
    },
    succeed: (deps, requestId, result) =>
      finishTarget(deps, requestId, cluster, { state: 'succeeded', result }).then(() => undefined),
    fail: (deps, requestId, error) =>
      finishTarget(deps, requestId, cluster, { state: 'failed', error }).then(() => undefined),
  };
}

/**
 * Records one cluster's outcome; the part that leaves no cluster queued or running settles the request in
 * the same atomic change, so exactly one part reports the end: done when every cluster is, otherwise
 * failed, naming which clusters are done and which failed and why.
 */
async function finishTarget(
  deps: PartDeps,
  requestId: string,
  cluster: string,
  outcome: { state: 'succeeded'; result: ExecutionResult } | { state: 'failed'; error: string },
): Promise<RequestRecord | null> {
  const stored = await deps.store.update(requestId, (r) => {
    const target = r.targets?.find((t) => t.cluster.name === cluster);
    if (!target || !runnable.has(r.state) || !runnable.has(target.state)) return null;
    const finished: ClusterTarget = {
      ...target,
      state: outcome.state,
      result: outcome.state === 'succeeded' ? outcome.result : null,
      error: outcome.state === 'failed' ? outcome.error : null,
    };
    const targets = withTarget(r, finished);
    const detail: Record<string, string> =
      outcome.state === 'succeeded'
        ? { cluster, summary: outcome.result.summary }
        : { cluster, error: outcome.error };
    if (targets.some((t) => runnable.has(t.state))) {
      return {
        record: { ...r, targets },
        audit: { event: `cluster ${outcome.state}`, actor: 'n3r', detail },
      };
    }
    const settled = settle(targets);
    return {
      record: { ...r, targets, state: settled.state, result: settled.result, error: settled.error },
      audit: {
        event: settled.state,
        actor: 'n3r',
        detail: settled.error === null ? { summary: settled.result.summary } : { error: settled.error },
      },
    };
  });
  if (!stored) return null;
  await publish(deps, { type: 'part_settled', record: stored, cluster, outcome });
  if (terminalStates.has(stored.state)) await reportSettled(deps, deps.log, stored);
  else await publishLatest(deps, requestId, (latest) => ({ type: 'decided', record: latest }));
  return stored;
}

/** The request's end from its clusters': done on all, or failed with which are done and which failed. */
function settle(
  targets: ClusterTarget[],
):
  | { state: 'succeeded'; result: ExecutionResult; error: null }
  | { state: 'failed'; result: ExecutionResult; error: string } {
  const done = targets.filter((t) => t.state === 'succeeded');
  const failed = targets.filter((t) => t.state === 'failed');
  const names = (list: ClusterTarget[]) => list.map((t) => t.cluster.name).join(', ');
  const details = targets.map((t) =>
    t.state === 'succeeded'
      ? `• ${t.cluster.name} (${t.cluster.region}): done: ${t.result?.summary ?? 'done'}`
      : `• ${t.cluster.name} (${t.cluster.region}): failed: ${t.error ?? 'failed'}`,
  );
  if (failed.length === 0) {
    return {
      state: 'succeeded',
      result: { summary: `done on all ${targets.length} clusters: ${names(done)}`, details },
      error: null,
    };
  }
  const error =
    done.length === 0
      ? `failed on all ${targets.length} clusters: ${failed.map((t) => `${t.cluster.name}: ${t.error}`).join('; ')}`
      : `partly done: done on ${done.length} of ${targets.length} clusters (${names(done)}); failed on ${failed
          .map((t) => `${t.cluster.name}: ${t.error}`)
          .join('; ')}`;
  return { state: 'failed', result: { summary: error, details }, error };
}

function withTarget(record: RequestRecord, target: ClusterTarget): ClusterTarget[] {
  return (record.targets ?? []).map((t) => (t.cluster.name === target.cluster.name ? target : t));
}

/**
 * A job BullMQ gave up on (retries spent, or stalled too often) must not leave its request looking alive:
 * it is marked failed, or for a part only that cluster's part is; a request already settled stays as it is.
 */
export async function abandonRun(
  deps: PartDeps,
  run: { requestId: string; cluster?: string },
  reason: string,
): Promise<void> {
  await requestPart(run.cluster).fail(
    { ...deps, log: deps.log.child({ requestId: run.requestId, cluster: run.cluster }) },
    run.requestId,
    `the job was given up: ${reason}`,
  );
}

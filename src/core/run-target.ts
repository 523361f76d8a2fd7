import { AppError, toAppError } from '../errors.js';
import { requestKinds } from '../kinds/index.js';
import type { Logger } from '../logger.js';
import { currentApprovals } from './approvals.js';
import { tell } from './decide-approval.js';
import { noLongerAllowed } from './decision.js';
import { evaluate } from './policy-input.js';
import type { Executor } from './ports.js';
import { createProgressReporter } from './progress-reporter.js';
import type { ClusterTarget, ExecutionResult, RequestRecord } from './request.js';
import { terminalStates } from './request.js';
import { type RunAttempt, type RunDeps, type RunOutcome, reportSettled } from './run-request.js';
import { showLatest } from './show-latest.js';

const runnable = new Set(['queued', 'running']);

/**
 * One cluster's part of a request that changes several (a deploy with `--ha`): each part is its own job on
 * its cluster's queue, so a slow or unreachable cluster holds up only itself. The part re-decides for its
 * cluster with that cluster's fresh facts, runs the executor against it, and records its outcome on the
 * request. The part that finishes last settles the request: done when every cluster is, otherwise failed,
 * naming which clusters are done and which failed and why. A part that is already settled does nothing, so
 * a duplicate or late job never applies twice.
 */
export async function runTarget(deps: RunDeps, run: RunAttempt & { cluster: string }): Promise<RunOutcome> {
  let firstStart = false;
  const running = await deps.store.update(run.requestId, (r) => {
    const target = r.targets?.find((t) => t.cluster.name === run.cluster);
    if (!target || !runnable.has(r.state) || !runnable.has(target.state)) return null;
    firstStart = r.state === 'queued';
    return {
      record: { ...r, state: 'running', targets: withTarget(r, { ...target, state: 'running' }) },
      audit: {
        event: 'started',
        actor: 'n3r',
        detail: { cluster: run.cluster, attempt: String(run.attempt) },
      },
    };
  });
  if (!running) {
    const settled = await deps.store.get(run.requestId);
    if (settled && terminalStates.has(settled.state) && settled.reportedState !== settled.state) {
      await reportSettled(deps, deps.log.child({ requestId: settled.id }), settled);
    }
    deps.log.info(
      { requestId: run.requestId, cluster: run.cluster },
      'job skipped: cluster part is not runnable',
    );
    return 'skipped';
  }
  const target = running.targets?.find((t) => t.cluster.name === run.cluster);
  if (!target) throw new Error(`request ${running.id} has no part for ${run.cluster}`);
  const log = deps.log.child({ requestId: running.id, kind: running.kind, cluster: run.cluster });
  if (firstStart || run.attempt === 1)
    await showLatest(deps, running.id, (n, latest) => n.updateCard(latest));

  try {
    const outcome = await decideAndExecute(deps, running, target, run, log);
    if (outcome.ok) {
      await finishTarget(deps, log, running.id, run.cluster, { state: 'succeeded', result: outcome.result });
      return 'succeeded';
    }
    await finishTarget(deps, log, running.id, run.cluster, { state: 'failed', error: outcome.error });
    return 'denied';
  } catch (error) {
    const appError = toAppError(error);
    const retrying = run.willRetry && appError.retryable;
    log.warn({ err: appError, attempt: run.attempt, willRetry: retrying }, 'cluster part failed');
    const message = appError.userText ?? `${appError.code}: ${appError.message}`;
    if (retrying) {
      await tell(log, () =>
        deps.notifier.replyInThread(
          running,
          `:hourglass: ${run.cluster}: ${message}. Trying again (attempt ${run.attempt + 1} of ${run.attempts}); the other clusters go on meanwhile.`,
        ),
      );
      throw appError;
    }
    await finishTarget(deps, log, running.id, run.cluster, { state: 'failed', error: message });
    throw new AppError(appError.code, appError.message, { cause: appError, retryable: false });
  }
}

type PartOutcome = { ok: true; result: ExecutionResult } | { ok: false; error: string };

async function decideAndExecute(
  deps: RunDeps,
  running: RequestRecord,
  target: ClusterTarget,
  run: RunAttempt,
  log: Logger,
): Promise<PartOutcome> {
  const kind = requestKinds[running.kind];
  const params = kind.params.parse(running.params);
  // Decided for this cluster alone, with its own fresh facts: another cluster being down must not stop it.
  const { decision, facts } = await evaluate(deps, {
    id: running.id,
    kind,
    params,
    requester: running.requester,
    cluster: target.cluster,
    approvals: currentApprovals(running),
    targets: [target.cluster],
  });
  if (!decision.allow) {
    log.info({ decision }, 'cluster part stopped: policy no longer allows');
    return { ok: false, error: noLongerAllowed(decision) };
  }
  const executor = deps.executors[running.kind] as Executor<typeof running.kind>;
  const progress = createProgressReporter((text) => deps.notifier.replyInThread(running, text));
  const result = await executor({
    record: { ...running, cluster: target.cluster },
    params,
    dryRun: false,
    facts,
    log,
    signal: run.signal,
    progress: (line) => progress.report(`${target.cluster.name}: ${line}`),
  }).finally(() => progress.flush());
  return { ok: true, result };
}

/**
 * Records one cluster's outcome; the part that leaves no cluster queued or running settles the request in
 * the same atomic change, so exactly one part reports the end.
 */
export async function finishTarget(
  deps: Pick<RunDeps, 'store' | 'notifier' | 'log'>,
  log: Logger,
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
  const line =
    outcome.state === 'succeeded'
      ? [`:white_check_mark: ${cluster}: ${outcome.result.summary}`, ...outcome.result.details].join('\n')
      : `:x: ${cluster}: ${outcome.error}`;
  await tell(log, () => deps.notifier.replyInThread(stored, line));
  if (terminalStates.has(stored.state)) await reportSettled(deps, log, stored);
  else await showLatest(deps, requestId, (n, latest) => n.updateCard(latest));
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

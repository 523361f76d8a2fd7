import { AppError, toAppError } from '../errors.js';
import { requestKinds } from '../kinds/index.js';
import type { Logger } from '../logger.js';
import { currentApprovals } from './approvals.js';
import { changedSinceApproval } from './bound-request.js';
import { noLongerAllowed } from './decision.js';
import { recordDecision } from './decision-audit.js';
import type { LifecycleEvents } from './lifecycle-events.js';
import { evaluate } from './policy-input.js';
import type {
  Executor,
  ExecutorMap,
  FactsProvider,
  IdentityResolver,
  PolicyEngine,
  RequestStore,
  Scheduler,
} from './ports.js';
import { createProgressReporter } from './progress-reporter.js';
import { publish, publishLatest } from './publish.js';
import { needsReport, reportSettled } from './report-settled.js';
import type { ClusterRef, ExecutionResult, RequestRecord } from './request.js';
import { type RunPart, requestPart } from './run-parts.js';

export interface RunDeps {
  store: RequestStore;
  policy: PolicyEngine;
  facts: FactsProvider;
  /** Who the requester is now: their groups are read again right before a request runs. */
  identity: IdentityResolver;
  events: LifecycleEvents;
  executors: ExecutorMap;
  scheduler: Scheduler;
  log: Logger;
}

export interface RunAttempt {
  requestId: string;
  /**
   * For a request that changes several clusters (a deploy with `--ha`): the cluster whose part this job
   * runs. Each part is its own job on its cluster's queue, so a slow or unreachable cluster holds up only
   * itself. Absent for a request on one cluster.
   */
  cluster?: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Whether a failure now will be retried. */
  willRetry: boolean;
  /** Attempts in all, retries included. */
  attempts: number;
  signal: AbortSignal;
}

export type RunOutcome = 'succeeded' | 'skipped' | 'denied';

/**
 * Re-decide → execute → report, for a whole request or one cluster's part of it. A request (or part)
 * that is no longer queued or running is skipped, so a duplicate or late job never applies a change twice.
 */
export async function runRequest(deps: RunDeps, run: RunAttempt): Promise<RunOutcome> {
  const part = requestPart(run.cluster);
  const started = await part.start(deps.store, run.requestId, run.attempt);
  if (!started) {
    // Settled already. If a crash came between settling and recording it told, tell now where it is not
    // shown yet: never lost, never twice.
    const settled = await deps.store.get(run.requestId);
    if (settled && needsReport(settled)) {
      await reportSettled(deps, deps.log.child({ requestId: settled.id }), settled, true);
    }
    deps.log.info({ requestId: run.requestId, cluster: run.cluster }, 'job skipped: request is not runnable');
    return 'skipped';
  }
  const { record: running, cluster } = started;
  const log = deps.log.child({ requestId: running.id, kind: running.kind, cluster: cluster.name });
  if (started.first || run.attempt === 1) {
    await publishLatest({ ...deps, log }, running.id, (latest) => ({
      type: 'started',
      record: latest,
      ...(run.cluster ? { cluster: run.cluster } : {}),
    }));
  }

  try {
    const outcome = await decideAndExecute(deps, running, cluster, part, run, log);
    if (outcome.ok) {
      await part.succeed({ ...deps, log }, running.id, outcome.result);
      return 'succeeded';
    }
    log.info({ decision: outcome.decision, error: outcome.error }, 'job stopped before applying anything');
    await part.fail({ ...deps, log }, running.id, outcome.error, outcome.decision);
    return 'denied';
  } catch (error) {
    const appError = toAppError(error);
    const retrying = run.willRetry && appError.retryable;
    log.warn({ err: appError, attempt: run.attempt, willRetry: retrying }, 'job failed');
    const reason = appError.userText ?? `${appError.code}: ${appError.message}`;
    if (retrying) {
      // The requester sees that it waits, and why; the card stays "running" until it settles.
      await publish(
        { ...deps, log },
        {
          type: 'retrying',
          record: running,
          reason,
          attempt: run.attempt,
          attempts: run.attempts,
          ...(run.cluster ? { cluster: run.cluster } : {}),
        },
      );
      throw appError;
    }
    await part.fail({ ...deps, log }, running.id, reason);
    throw new AppError(appError.code, appError.message, { cause: appError, retryable: false });
  }
}

type Executed =
  | { ok: true; result: ExecutionResult }
  | { ok: false; error: string; decision?: RequestRecord['decision'] };

async function decideAndExecute(
  deps: RunDeps,
  running: RequestRecord,
  cluster: ClusterRef,
  part: RunPart,
  run: RunAttempt,
  log: Logger,
): Promise<Executed> {
  // What runs must be what was decided and approved: a record changed since (in Redis, by anyone) runs nothing.
  const changed = changedSinceApproval(running);
  if (changed) return { ok: false, error: changed };
  const kind = requestKinds[running.kind];
  const params = kind.params.parse(running.params);
  // Today's world: the requester's groups as Slack has them now, fresh facts, the bundle loaded now, and the
  // approvals as they stand. A part is decided for its own cluster alone: another cluster being down must
  // not stop it.
  const requester = await deps.identity.resolve(running.requester.slackId).catch((error: unknown) => {
    // Without today's groups nothing may run; Slack being away is a reason to wait, not to give up.
    throw new AppError(
      'UPSTREAM_UNAVAILABLE',
      `the requester's groups could not be read: ${toAppError(error).message}`,
      {
        cause: error,
        retryable: true,
        userText: "the requester's groups could not be read from Slack, so the policy cannot be checked yet",
      },
    );
  });
  const { decision, facts, input } = await evaluate(deps, {
    id: running.id,
    kind,
    params,
    requester,
    cluster,
    approvals: currentApprovals(running),
    targets: part.targets(running),
  });
  await recordDecision(deps.store, running.id, 're-decided before running', decision, input, cluster.name);
  if (!decision.allow) return { ok: false, error: noLongerAllowed(decision), decision };

  // The map is keyed by kind, so the executor and the parsed params belong together.
  const executor = deps.executors[running.kind] as Executor<typeof running.kind>;
  const progress = createProgressReporter((lines) =>
    publish(
      { ...deps, log },
      { type: 'step_progress', record: running, lines, ...(part.cluster ? { cluster: part.cluster } : {}) },
    ).then(() => undefined),
  );
  const result = await executor({
    record: { ...running, cluster },
    params,
    dryRun: false,
    facts,
    log,
    signal: run.signal,
    progress: (line) => progress.report(line),
  }).finally(() => progress.flush());
  // Scheduled before the request counts as done: if this fails the job is retried, the executor finds its
  // change in place, and the revocation is scheduled then. A time-bound change never stays open.
  if (result.expiresAt) await deps.scheduler.scheduleRevocation(running, result.expiresAt);
  return { ok: true, result };
}

/**
 * The dry run of a request waiting for approval: the executor against the cluster with nothing stored,
 * its result kept on the record and shown in the approval prompt. A failed dry run is shown too: an
 * approver should know the change would not go through as asked; fields other managers hold are shown as
 * `conflicts: …`, each with its manager.
 */
export async function previewRequest(deps: RunDeps, requestId: string, signal: AbortSignal): Promise<void> {
  const record = await deps.store.get(requestId);
  if (record?.state !== 'awaiting_approval') return;
  const log = deps.log.child({ requestId, kind: record.kind, preview: true });
  const kind = requestKinds[record.kind];
  const executor = deps.executors[record.kind] as Executor<typeof record.kind>;
  const dryRun = async (cluster: ClusterRef) => {
    try {
      return await executor({
        record: { ...record, cluster },
        params: kind.params.parse(record.params),
        dryRun: true,
        log: log.child({ cluster: cluster.name }),
        signal,
        progress: () => undefined,
      });
    } catch (error) {
      const appError = toAppError(error);
      // One cluster's dry run is retried by retrying the job; over several, one unreachable cluster must not
      // keep the others' from the approvers: its failure is shown instead.
      if (appError.retryable && !record.targets) throw appError;
      // Fields another manager holds: the approvers see which and whose, as the requester will if it runs.
      if (appError.code === 'FIELD_CONFLICT')
        return { summary: `conflicts: ${appError.userText ?? appError.message}`, details: [] };
      return { summary: `the dry run failed: ${appError.userText ?? appError.message}`, details: [] };
    }
  };
  let preview: NonNullable<RequestRecord['preview']>;
  if (record.targets) {
    // Approvers see every cluster the request would change, each with its own dry run.
    const results = await Promise.all(record.targets.map((t) => dryRun(t.cluster)));
    preview = {
      summary: `on ${record.targets.length} clusters: ${record.targets.map((t) => t.cluster.name).join(', ')}`,
      details: record.targets.flatMap((t, i) => [
        `${t.cluster.name} (${t.cluster.region}): ${results[i]?.summary ?? ''}`,
        ...(results[i]?.details ?? []),
      ]),
      at: new Date().toISOString(),
    };
  } else {
    const result = await dryRun(record.cluster);
    preview = { summary: result.summary, details: result.details, at: new Date().toISOString() };
  }
  const stored = await deps.store.update(requestId, (r) =>
    r.state === 'awaiting_approval' ? { record: { ...r, preview } } : null,
  );
  if (stored)
    await publishLatest({ ...deps, log }, requestId, (latest) => ({ type: 'decided', record: latest }));
}

import { AppError, toAppError } from '../errors.js';
import { requestKinds } from '../kinds/index.js';
import type { Logger } from '../logger.js';
import { currentApprovals } from './approvals.js';
import { tell } from './decide-approval.js';
import { noLongerAllowed } from './decision.js';
import { evaluate } from './policy-input.js';
import type {
  Executor,
  ExecutorMap,
  FactsProvider,
  Notifier,
  PolicyEngine,
  RequestStore,
  Scheduler,
} from './ports.js';
import { createProgressReporter } from './progress-reporter.js';
import { type RequestRecord, terminalStates } from './request.js';
import { showLatest } from './show-latest.js';

export interface RunDeps {
  store: RequestStore;
  policy: PolicyEngine;
  facts: FactsProvider;
  notifier: Notifier;
  executors: ExecutorMap;
  scheduler: Scheduler;
  log: Logger;
}

export interface RunAttempt {
  requestId: string;
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
 * Re-decide → execute → report. A request that is no longer queued or running (done, cancelled, failed)
 * is skipped, so a duplicate or late job never applies a change twice.
 */
export async function runRequest(deps: RunDeps, run: RunAttempt): Promise<RunOutcome> {
  const running = await deps.store.transition(
    run.requestId,
    ['queued', 'running'],
    'running',
    {},
    {
      event: 'started',
      actor: 'n3r',
      detail: { attempt: String(run.attempt) },
    },
  );
  if (!running) {
    // Settled already. If a crash came between settling and telling, tell now: at least once, never lost.
    const settled = await deps.store.get(run.requestId);
    if (settled && terminalStates.has(settled.state) && settled.reportedState !== settled.state) {
      await reportSettled(deps, deps.log.child({ requestId: settled.id }), settled);
    }
    deps.log.info({ requestId: run.requestId }, 'job skipped: request is not runnable');
    return 'skipped';
  }
  const log = deps.log.child({ requestId: running.id, kind: running.kind, cluster: running.cluster.name });
  if (run.attempt === 1) await tell(log, () => deps.notifier.updateCard(running));

  try {
    return await decideAndExecute(deps, running, run, log);
  } catch (error) {
    const appError = toAppError(error);
    const retrying = run.willRetry && appError.retryable;
    log.warn({ err: appError, attempt: run.attempt, willRetry: retrying }, 'job failed');
    const message = appError.userText ?? `${appError.code}: ${appError.message}`;
    if (retrying) {
      // The requester sees that it waits, and why; the card stays "running" until it settles.
      await tell(log, () =>
        deps.notifier.replyInThread(
          running,
          `:hourglass: ${message}. Trying again (attempt ${run.attempt + 1} of ${run.attempts}); nothing is lost meanwhile.`,
        ),
      );
      throw appError;
    }
    const failed = await deps.store.transition(
      running.id,
      ['running'],
      'failed',
      { error: message },
      {
        event: 'failed',
        actor: 'n3r',
        detail: { error: message },
      },
    );
    if (failed) await reportSettled(deps, log, failed);
    throw new AppError(appError.code, appError.message, { cause: appError, retryable: false });
  }
}

async function decideAndExecute(
  deps: RunDeps,
  running: RequestRecord,
  run: RunAttempt,
  log: Logger,
): Promise<RunOutcome> {
  const kind = requestKinds[running.kind];
  const params = kind.params.parse(running.params);
  // Fresh facts and the approvals as they stand: the world may have changed while the job waited.
  const { decision, facts } = await evaluate(deps, {
    id: running.id,
    kind,
    params,
    requester: running.requester,
    cluster: running.cluster,
    approvals: currentApprovals(running),
  });
  if (!decision.allow) {
    const failed = await deps.store.transition(running.id, ['running'], 'failed', {
      decision,
      error: noLongerAllowed(decision),
    });
    log.info({ decision }, 'job stopped: policy no longer allows');
    if (failed) await reportSettled(deps, log, failed);
    return 'denied';
  }

  // The map is keyed by kind, so the executor and the parsed params belong together.
  const executor = deps.executors[running.kind] as Executor<typeof running.kind>;
  const progress = createProgressReporter((text) => deps.notifier.replyInThread(running, text));
  const result = await executor({
    record: running,
    params,
    dryRun: false,
    facts,
    log,
    signal: run.signal,
    progress: (line) => progress.report(line),
  }).finally(() => progress.flush());
  // Scheduled before the request counts as done: if this fails the job is retried, the executor finds
  // its change in place, and the revocation is scheduled then. A time-bound change never stays open.
  if (result.expiresAt) await deps.scheduler.scheduleRevocation(running, result.expiresAt);
  const done = await deps.store.transition(
    running.id,
    ['running'],
    'succeeded',
    { result },
    {
      event: 'succeeded',
      actor: 'n3r',
      detail: { summary: result.summary },
    },
  );
  if (done) await reportSettled(deps, log, done);
  return 'succeeded';
}

/** Tells a settled request's end: the card redrawn, the outcome in its thread, then marked as told. */
export async function reportSettled(
  deps: Pick<RunDeps, 'store' | 'notifier'>,
  log: Logger,
  record: RequestRecord,
): Promise<void> {
  await tell(log, () => deps.notifier.updateCard(record));
  const lines =
    record.state === 'succeeded'
      ? [`:white_check_mark: ${record.result?.summary ?? 'done'}`, ...(record.result?.details ?? [])]
      : // A request over several clusters keeps, even when it failed, what each one did.
        [`:x: ${record.error ?? 'failed'}`, ...(record.targets ? (record.result?.details ?? []) : [])];
  await tell(log, () => deps.notifier.replyInThread(record, lines.join('\n')));
  const output = record.state === 'succeeded' ? record.result?.output : undefined;
  if (output) await tell(log, () => deps.notifier.shareOutput(record, output));
  await deps.store.update(record.id, (r) =>
    r.state === record.state ? { record: { ...r, reportedState: r.state } } : null,
  );
}

/**
 * The dry run of a request waiting for approval: the executor against the cluster with nothing stored,
 * its result kept on the record and shown in the approval prompt. A failed dry run is shown too: an
 * approver should know the change would not go through as asked.
 */
export async function previewRequest(deps: RunDeps, requestId: string, signal: AbortSignal): Promise<void> {
  const record = await deps.store.get(requestId);
  if (record?.state !== 'awaiting_approval') return;
  const log = deps.log.child({ requestId, kind: record.kind, preview: true });
  const kind = requestKinds[record.kind];
  const executor = deps.executors[record.kind] as Executor<typeof record.kind>;
  const dryRun = async (cluster: RequestRecord['cluster']) => {
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
        `*${t.cluster.name}* (${t.cluster.region}): ${results[i]?.summary ?? ''}`,
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
  if (stored) await showLatest(deps, requestId, (notifier, latest) => notifier.updatePrompt(latest));
}

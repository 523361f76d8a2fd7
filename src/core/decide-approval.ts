import { requestKinds } from '../kinds/index.js';
import type { Logger } from '../logger.js';
import { currentApprovals } from './approvals.js';
import { noLongerAllowed } from './decision.js';
import { evaluate } from './policy-input.js';
import type {
  FactsProvider,
  IdentityResolver,
  JobQueue,
  Notifier,
  PolicyEngine,
  RequestStore,
} from './ports.js';
import type { Requester, RequestRecord } from './request.js';
import { enqueueOrFail } from './submit-request.js';

export interface ApprovalDeps {
  store: RequestStore;
  identity: IdentityResolver;
  facts: FactsProvider;
  policy: PolicyEngine;
  queue: JobQueue;
  notifier: Notifier;
  log: Logger;
}

export interface Verdict {
  requestId: string;
  slackUserId: string;
  verdict: 'approve' | 'reject';
  /** Why, for a rejection. */
  reason?: string;
  /** The request hash the prompt showed; an approval of an outdated prompt does not count. */
  promptHash?: string;
}

export type ApprovalOutcome =
  | { outcome: 'unknown-request' }
  | { outcome: 'not-pending'; record: RequestRecord }
  | { outcome: 'own-request' }
  | { outcome: 'not-an-approver'; groups: string[] }
  | { outcome: 'outdated' }
  | { outcome: 'already-approved'; record: RequestRecord }
  | { outcome: 'recorded'; record: RequestRecord; have: number; need: number }
  | { outcome: 'approved'; record: RequestRecord }
  | { outcome: 'denied-now'; record: RequestRecord }
  | { outcome: 'rejected'; record: RequestRecord };

/**
 * An approver's verdict on a waiting request. Only members of the groups the policy named may give one,
 * never the requester; every approval is put to the policy again, and the request goes ahead only when
 * the policy now allows it. Concurrent approvals race on a compare-and-set: one of them queues the job.
 */
export async function decideApproval(deps: ApprovalDeps, verdict: Verdict): Promise<ApprovalOutcome> {
  const checked = await checkApprover(deps, verdict);
  if (checked.outcome !== 'may-decide') return checked;
  const { record, approver } = checked;
  const at = new Date().toISOString();

  if (verdict.verdict === 'reject') {
    const reason = verdict.reason?.trim() || 'no reason given';
    const rejected = await deps.store.transition(
      record.id,
      ['awaiting_approval'],
      'rejected',
      { rejection: { slackId: approver.slackId, reason, at } },
      { event: 'rejected', actor: approver.slackId, detail: { reason } },
    );
    if (!rejected) return { outcome: 'not-pending', record: (await deps.store.get(record.id)) ?? record };
    await report(deps, rejected, `:no_entry: Rejected by <@${approver.slackId}>: ${reason}`);
    return { outcome: 'rejected', record: rejected };
  }

  let already = false;
  const approved = await deps.store.update(record.id, (r) => {
    if (r.state !== 'awaiting_approval') return null;
    already = currentApprovals(r).some((a) => a.slackId === approver.slackId);
    if (already) return null;
    const approval = { slackId: approver.slackId, groups: approver.groups, at, requestHash: r.requestHash };
    return {
      record: { ...r, approvals: [...r.approvals, approval] },
      audit: { event: 'approved', actor: approver.slackId },
    };
  });
  if (already) return { outcome: 'already-approved', record };
  if (!approved) return { outcome: 'not-pending', record: (await deps.store.get(record.id)) ?? record };

  const kind = requestKinds[approved.kind];
  const { decision } = await evaluate(deps, {
    id: approved.id,
    kind,
    params: kind.params.parse(approved.params),
    requester: approved.requester,
    cluster: approved.cluster,
    approvals: currentApprovals(approved),
    targets: approved.targets?.map((t) => t.cluster),
  });
  const log = deps.log.child({ requestId: approved.id, kind: approved.kind });
  if (decision.deny.length > 0) {
    const failed = await deps.store.transition(approved.id, ['awaiting_approval'], 'failed', {
      decision,
      error: noLongerAllowed(decision),
    });
    if (!failed) return { outcome: 'not-pending', record: approved };
    await report(deps, failed, `:x: ${failed.error}`);
    return { outcome: 'denied-now', record: failed };
  }
  if (!decision.allow) {
    const have = currentApprovals(approved).length;
    const stored =
      (await deps.store.update(approved.id, (r) => ({ record: { ...r, decision } }))) ?? approved;
    await tell(log, () => deps.notifier.updatePrompt(stored));
    return { outcome: 'recorded', record: stored, have, need: decision.approval.count };
  }

  const queued = await deps.store.transition(approved.id, ['awaiting_approval'], 'queued', { decision });
  // Another approval got there first and queued it.
  if (!queued) return { outcome: 'not-pending', record: (await deps.store.get(approved.id)) ?? approved };
  await tell(log, () => deps.notifier.updatePrompt(queued));
  await tell(log, () => deps.notifier.updateCard(queued));
  await enqueueOrFail(deps, queued, log);
  return { outcome: 'approved', record: queued };
}

/** Whether this person may give a verdict on this request now; nothing changes either way. */
export async function checkApprover(
  deps: Pick<ApprovalDeps, 'store' | 'identity'>,
  verdict: Pick<Verdict, 'requestId' | 'slackUserId' | 'promptHash'>,
): Promise<ApprovalOutcome | { outcome: 'may-decide'; record: RequestRecord; approver: Requester }> {
  const record = await deps.store.get(verdict.requestId);
  if (!record) return { outcome: 'unknown-request' };
  if (record.state !== 'awaiting_approval') return { outcome: 'not-pending', record };
  if (verdict.slackUserId === record.requester.slackId) return { outcome: 'own-request' };
  const approver = await deps.identity.resolve(verdict.slackUserId);
  const allowed = record.decision.approval.groups;
  if (!approver.groups.some((g) => allowed.includes(g)))
    return { outcome: 'not-an-approver', groups: allowed };
  if (verdict.promptHash !== undefined && verdict.promptHash !== record.requestHash)
    return { outcome: 'outdated' };
  return { outcome: 'may-decide', record, approver };
}

async function report(deps: ApprovalDeps, record: RequestRecord, line: string): Promise<void> {
  const log = deps.log.child({ requestId: record.id });
  await tell(log, () => deps.notifier.updatePrompt(record));
  await tell(log, () => deps.notifier.updateCard(record));
  await tell(log, () => deps.notifier.replyInThread(record, line));
}

/** Slack being down must not undo a decision that was recorded: the record holds the truth. */
export async function tell(log: Logger, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (error) {
    log.warn({ err: error }, 'slack update failed');
  }
}

import { AppError } from '../errors.js';
import { requestKinds } from '../kinds/index.js';
import type { Logger } from '../logger.js';
import { currentApprovals } from './approvals.js';
import { type Decision, noLongerAllowed } from './decision.js';
import { recordDecision } from './decision-audit.js';
import type { LifecycleEvents } from './lifecycle-events.js';
import { evaluate } from './policy-input.js';
import type {
  FactsProvider,
  IdentityResolver,
  JobQueue,
  PolicyEngine,
  RecordChange,
  RequestStore,
} from './ports.js';
import { publish } from './publish.js';
import type { Approval, Requester, RequestRecord } from './request.js';
import { enqueueOrFail } from './submit-request.js';

export interface ApprovalDeps {
  store: RequestStore;
  identity: IdentityResolver;
  facts: FactsProvider;
  policy: PolicyEngine;
  queue: JobQueue;
  events: LifecycleEvents;
  log: Logger;
}

export interface Verdict {
  requestId: string;
  slackUserId: string;
  verdict: 'approve' | 'reject';
  /** Why, for a rejection. */
  reason?: string;
  /** The request hash the prompt (or the message reacted to) showed; an approval of another version does not count. */
  promptHash: string;
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
  /** The policy could not be evaluated: nothing was recorded, and the approver may try again. */
  | { outcome: 'not-evaluated'; reason: string }
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
    await publish(deps, { type: 'rejected', record: rejected, by: approver.slackId, reason });
    return { outcome: 'rejected', record: rejected };
  }

  const log = deps.log.child({ requestId: record.id, kind: record.kind });
  // Evaluated before anything is stored, and stored only together with what the evaluation means: an
  // evaluation that fails leaves no approval behind, so the approver can simply try again.
  for (let round = 0; round < 5; round++) {
    const current = await deps.store.get(record.id);
    if (current?.state !== 'awaiting_approval') return { outcome: 'not-pending', record: current ?? record };
    if (currentApprovals(current).some((a) => a.slackId === approver.slackId))
      return { outcome: 'already-approved', record: current };
    if (verdict.promptHash !== current.requestHash) return { outcome: 'outdated' };
    const approval = {
      slackId: approver.slackId,
      groups: approver.groups,
      at,
      requestHash: verdict.promptHash,
    };
    const approvals = [...currentApprovals(current), approval];
    const kind = requestKinds[current.kind];
    const { decision, input } = await evaluate(deps, {
      id: current.id,
      kind,
      params: kind.params.parse(current.params),
      requester: current.requester,
      cluster: current.cluster,
      approvals,
      targets: current.targets?.map((t) => t.cluster),
    });
    if (decision.deny.some((d) => d.rule.startsWith('engine.'))) {
      log.warn({ decision }, 'approval not recorded: the policy could not be evaluated');
      return { outcome: 'not-evaluated', reason: decision.deny.map((d) => d.message).join('; ') };
    }
    const next = afterApproval(current, approval, decision);
    let raced = false;
    const stored = await deps.store.update(current.id, (r) => {
      raced = r.updatedAt !== current.updatedAt;
      return raced ? null : next;
    });
    if (raced || !stored) continue;
    await recordDecision(deps.store, stored.id, 'decided on approval', decision, input, stored.cluster.name);
    if (stored.state === 'failed') {
      await publish({ ...deps, log }, { type: 'failed', record: stored });
      return { outcome: 'denied-now', record: stored };
    }
    const have = approvals.length;
    const need = decision.approval.count;
    await publish(
      { ...deps, log },
      { type: 'approved_by', record: stored, approver: approver.slackId, have, need },
    );
    if (stored.state !== 'queued') return { outcome: 'recorded', record: stored, have, need };
    await enqueueOrFail(deps, stored, log);
    return { outcome: 'approved', record: stored };
  }
  throw new AppError('CONFLICT', `request ${record.id} kept changing while an approval was being recorded`, {
    userText: 'The request kept changing while your approval was being recorded. Please try again.',
    retryable: true,
  });
}

/** The record with an approval in it and what the policy now says: still waiting, queued, or failed. */
function afterApproval(record: RequestRecord, approval: Approval, decision: Decision): RecordChange {
  const approvals = [...record.approvals, approval];
  const given = { approved_by: approval.slackId, request_hash: approval.requestHash };
  if (decision.deny.length > 0) {
    const error = noLongerAllowed(decision);
    return {
      record: { ...record, approvals, decision, state: 'failed', error },
      audit: {
        event: 'approved',
        actor: approval.slackId,
        detail: { ...given, outcome: 'denied now', error },
      },
    };
  }
  if (decision.allow) {
    return {
      record: { ...record, approvals, decision, state: 'queued' },
      audit: { event: 'approved', actor: approval.slackId, detail: { ...given, outcome: 'queued' } },
    };
  }
  return {
    record: { ...record, approvals, decision },
    audit: {
      event: 'approved',
      actor: approval.slackId,
      detail: { ...given, outcome: 'more approvals needed' },
    },
  };
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
  if (verdict.promptHash !== record.requestHash) return { outcome: 'outdated' };
  return { outcome: 'may-decide', record, approver };
}

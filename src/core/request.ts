import type { ClusterType } from '../config/cluster-registry.js';
import type { KindId } from '../kinds/index.js';
import type { Decision } from './decision.js';

export const requestStates = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'awaiting_approval',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type RequestState = (typeof requestStates)[number];

export const terminalStates: ReadonlySet<RequestState> = new Set([
  'succeeded',
  'failed',
  'rejected',
  'expired',
  'cancelled',
]);

/** A person as the platform knows them: Slack id, e-mail and platform groups. */
export interface Requester {
  slackId: string;
  email: string | null;
  groups: string[];
}

export interface ClusterRef {
  name: string;
  type: ClusterType;
  region: string;
}

export interface MessageRef {
  channel: string;
  ts: string;
}

/** The request a message shows, and the version of it (its request hash). */
export interface MessageLink {
  requestId: string;
  requestHash: string;
}

/** What an executor reports when it is done: one line for the card, details for the thread. */
export interface ExecutionResult {
  summary: string;
  details: string[];
  /** For a time-bound change (an ACL): when it must be undone. The jobs layer schedules the revocation. */
  expiresAt?: string;
  /** Text for the requester (log lines), already masked: shown in the thread when short, attached as a file when long. */
  output?: ResultOutput;
}

/** Lines a result hands to the requester, with the name and title they get as a file. */
export interface ResultOutput {
  filename: string;
  title: string;
  lines: string[];
}

export const targetStates = ['queued', 'running', 'succeeded', 'failed'] as const;
export type TargetState = (typeof targetStates)[number];

/** Where a request that changes several clusters stands on one of them. */
export interface ClusterTarget {
  cluster: ClusterRef;
  state: TargetState;
  result: ExecutionResult | null;
  error: string | null;
}

/** One approval, bound to the request as it was when approved. */
export interface Approval {
  slackId: string;
  /** The approver's platform groups when they approved. */
  groups: string[];
  at: string;
  /** `requestHash` of the request they approved; an approval of another version does not count. */
  requestHash: string;
}

export interface Rejection {
  slackId: string;
  reason: string;
  at: string;
}

/** A request as stored: everything needed to run it, show it and audit it. */
export interface RequestRecord {
  id: string;
  kind: KindId;
  params: Record<string, unknown>;
  description: string;
  requester: Requester;
  cluster: ClusterRef;
  state: RequestState;
  /** Where the request was made; the card goes there. */
  channel: string;
  /** When the request was made in a thread (an alert thread): the card and its replies go there. */
  threadTs?: string;
  card: MessageRef | null;
  /** The approval prompt in the approvers' channel, when approval was asked. */
  prompt: MessageRef | null;
  /** Hash of what is asked (kind, params, cluster, requester): approvals are bound to it. */
  requestHash: string;
  approvals: Approval[];
  rejection: Rejection | null;
  /** When an unapproved request expires. */
  expiresAt: string | null;
  decision: Decision;
  /**
   * For a request that changes every cluster of a region pair (a deploy with `--ha`): each cluster, run as
   * its own job on that cluster's queue. The request settles when every one has. Absent for one cluster.
   */
  targets?: ClusterTarget[] | null;
  /** What the change would do, from a server-side dry run, shown to approvers. */
  preview?: { summary: string; details: string[]; at: string } | null;
  /** The last state whose card update and thread reply went out; a crash in between is caught up later. */
  reportedState?: RequestState | null;
  result: ExecutionResult | null;
  /** For a time-bound change: when it was undone, by whom (null: its time was up), and what was undone. */
  ended?: { at: string; by: string | null; summary: string } | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An entry of a request's audit trail, appended atomically with the change it records. */
export interface AuditEvent {
  /** `stored`, `decided`, `approved`, `rejected`, `queued`, `started`, `succeeded`, … */
  event: string;
  /** Slack id of who caused it, or `n3r` for the bot itself. */
  actor: string;
  detail?: Record<string, string>;
}

export interface AuditEntry extends AuditEvent {
  /** The stream entry id: stable, ordered. */
  id: string;
  state: RequestState;
  revision: string;
  at: string;
}

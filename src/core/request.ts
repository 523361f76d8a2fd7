import type { ClusterType } from '../config/cluster-registry.js';
import type { KindId } from '../requests/registry.js';
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

/** What an executor reports when it is done: one line for the card, details for the thread. */
export interface ExecutionResult {
  summary: string;
  details: string[];
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
  card: MessageRef | null;
  decision: Decision;
  result: ExecutionResult | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

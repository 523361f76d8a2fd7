import type { Logger } from '../logger.js';
import type { KindId, ParamsOf } from '../requests/registry.js';
import type { Decision, PolicyInput } from './decision.js';
import type { ExecutionResult, MessageRef, Requester, RequestRecord, RequestState } from './request.js';

export interface PolicyEngine {
  /** Evaluates synchronously; an engine failure is a denial, never a throw and never an allow. */
  decide(clusterType: string, input: PolicyInput): Decision;
}

export interface RequestStore {
  /** Stores a new record; false when the id is taken. */
  create(record: RequestRecord): Promise<boolean>;
  get(id: string): Promise<RequestRecord | null>;
  /** Moves a record to a new state when it is in one of `from`; returns the updated record, or null. */
  transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch?: Partial<Pick<RequestRecord, 'result' | 'error' | 'decision'>>,
  ): Promise<RequestRecord | null>;
  setCard(id: string, card: MessageRef): Promise<void>;
}

export interface JobQueue {
  /** Enqueues the request's job; enqueuing the same request twice yields one job. */
  enqueue(record: RequestRecord): Promise<void>;
}

export interface Notifier {
  /** Posts the request card where the request was made. */
  postCard(record: RequestRecord): Promise<MessageRef>;
  /** Redraws the card from the record's current state. */
  updateCard(record: RequestRecord): Promise<void>;
  /** Adds a reply in the card's thread. */
  replyInThread(record: RequestRecord, text: string): Promise<void>;
}

/** What the cluster says about a namespace, for `input.context.namespace`. */
export interface NamespaceFacts {
  exists: boolean;
  /** The owning team (label `n3r.io/team`), when the namespace has one. */
  team: string | null;
  /** The request that created it (annotation `n3r.io/request-id`), when n3r did. */
  requestId: string | null;
}

/** Facts the policy needs, fetched before evaluation; the policy itself never calls out. */
export interface FactsProvider {
  namespace(cluster: string, name: string): Promise<NamespaceFacts>;
}

export interface IdentityResolver {
  resolve(slackUserId: string): Promise<Requester>;
}

export interface ExecutorContext<K extends KindId> {
  record: RequestRecord;
  params: ParamsOf<K>;
  dryRun: boolean;
  log: Logger;
  signal: AbortSignal;
  /** A line for the request's thread, e.g. `2/3 replicas ready`; coalesced before it reaches Slack. */
  progress: (line: string) => void;
}

export type Executor<K extends KindId> = (ctx: ExecutorContext<K>) => Promise<ExecutionResult>;
/** One executor per request kind: a kind without one does not compile. */
export type ExecutorMap = { readonly [K in KindId]: Executor<K> };

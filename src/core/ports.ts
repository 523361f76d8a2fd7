import type { KindId, ParamsOf } from '../kinds/index.js';
import type { Logger } from '../logger.js';
import type { Decision, PolicyInput } from './decision.js';
import type {
  AuditEntry,
  AuditEvent,
  ClusterRef,
  ExecutionResult,
  MessageLink,
  MessageRef,
  Requester,
  RequestRecord,
  RequestState,
} from './request.js';

export interface PolicyEngine {
  /** Evaluates synchronously; an engine failure is a denial, never a throw and never an allow. */
  decide(clusterType: string, input: PolicyInput): Decision;
}

/** A change to a stored record, with the audit entry that records it (none for bookkeeping like a card ts). */
export interface RecordChange {
  record: RequestRecord;
  audit?: AuditEvent;
}

export interface RequestStore {
  /**
   * Stores a new record with its first audit entry. With `deliveryKey` (Ask.deliveryId) it also records, in
   * the same atomic step, that this Slack delivery led to the record; a delivery that already led to a request
   * stores nothing and yields 'redelivered'.
   */
  create(record: RequestRecord, audit: AuditEvent, deliveryKey?: string): Promise<CreateOutcome>;
  get(id: string): Promise<RequestRecord | null>;
  /**
   * Changes a record atomically: `change` sees the current record and returns the new one (or null to
   * leave it); it is called again if someone else changed the record meanwhile. Returns the stored record,
   * or null when unchanged or unknown.
   */
  update(id: string, change: (record: RequestRecord) => RecordChange | null): Promise<RequestRecord | null>;
  /** Moves a record to a new state when it is in one of `from`; the audit event defaults to the state. */
  transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch?: Partial<RequestRecord>,
    audit?: AuditEvent,
  ): Promise<RequestRecord | null>;
  auditTrail(id: string): Promise<AuditEntry[]>;
  /**
   * Remembers which request a Slack message (an approval prompt) belongs to, and the request hash it shows:
   * a reaction on the message approves what that message showed.
   */
  linkMessage(ref: MessageRef, link: MessageLink): Promise<void>;
  requestAt(ref: MessageRef): Promise<MessageLink | null>;
  /**
   * Claims a Slack delivery (its dedupe key) for this attempt: false while another attempt holds it and once
   * it is finished (by `finishDelivery`, or by `create` with its key). The claim is a lease of `leaseSeconds`:
   * an attempt that crashed before finishing lets a redelivery take over once it lapses (at-least-once).
   */
  firstDelivery(key: string, leaseSeconds?: number): Promise<boolean>;
  /** Marks a claimed delivery done for the window, unless it already led to a request. */
  finishDelivery(key: string): Promise<void>;
  /** Requests not settled yet whose last change is older than `before`, oldest first. */
  openSince(before: Date, limit: number): Promise<RequestRecord[]>;
  /** The requester's requests, newest first. */
  recentByRequester(slackId: string, limit: number): Promise<RequestRecord[]>;
}

/** What `RequestStore.create` did. */
export type CreateOutcome = 'created' | 'id-taken' | 'redelivered';

export interface JobQueue {
  /** Enqueues the request's job; enqueuing the same request twice yields one job. */
  enqueue(record: RequestRecord): Promise<void>;
  /** Enqueues a dry run of the request, for its approval prompt; once per request. */
  enqueuePreview(record: RequestRecord): Promise<void>;
}

/** Timers that must survive restarts: the expiry of a request waiting for approval, and revocations. */
export interface Scheduler {
  scheduleExpiry(record: RequestRecord): Promise<void>;
  /** Undo a time-bound change at `at`; scheduling it twice keeps one timer. */
  scheduleRevocation(record: RequestRecord, at: string): Promise<void>;
}

/** Undoes the time-bound change a request made (kinds whose results carry `expiresAt`). */
export type RevokerMap = { readonly [K in KindId]?: (record: RequestRecord) => Promise<ExecutionResult> };

/** What the cluster says about a namespace, for `input.context.namespace`. */
export interface NamespaceFacts {
  exists: boolean;
  /** The owning team (label `n3r.io/team`), when the namespace has one. */
  team: string | null;
  /** The request that created it (annotation `n3r.io/request-id`), when n3r did. */
  requestId: string | null;
}

/** What n3r knows of an alert group (its thread's record), for `input.context.alert_group`. */
export interface AlertGroupFacts {
  exists: boolean;
  /** The registry cluster its alerts name; null when none. */
  cluster: string | null;
  /** The team that owns its alerts; null when none is known. */
  team: string | null;
  /** Who acknowledged it, by Slack id. */
  ackedBy: string[];
  /** The silences made from its thread: who made each, and who expired it. */
  silences: { id: string; createdBy: string; expiredBy: string | null }[];
}

/** What the registry says of a team, for `input.context.team`. */
export interface TeamFacts {
  name: string;
  /** The platform group on call for the team (registry `onCall.teams.<team>.group`); null when none. */
  oncallGroup: string | null;
}

/** The facts read for one decision, by subject. */
export interface GatheredFacts {
  namespace?: NamespaceFacts;
  /** For a request over a region pair: each target cluster with its own facts. */
  targets?: { cluster: ClusterRef; namespace?: NamespaceFacts }[];
  alertGroup?: AlertGroupFacts;
  team?: TeamFacts;
}

/** Facts the policy needs, fetched before evaluation; the policy itself never calls out. */
export interface FactsProvider {
  namespace(cluster: string, name: string): Promise<NamespaceFacts>;
  alertGroup(id: string): Promise<AlertGroupFacts>;
  team(name: string): Promise<TeamFacts>;
}

export interface IdentityResolver {
  resolve(slackUserId: string): Promise<Requester>;
}

/** What an executor gets for one run: the request, its typed params, and how to report. */
export interface KindExecutorContext<P> {
  record: RequestRecord;
  params: P;
  dryRun: boolean;
  /**
   * What the worker read for the policy right before executing (absent for dry runs): an executor that
   * needs the same state uses it rather than reading it again.
   */
  facts?: GatheredFacts;
  log: Logger;
  signal: AbortSignal;
  /** A line for the request's thread, e.g. `2/3 replicas ready`; coalesced before it reaches Slack. */
  progress: (line: string) => void;
}

/** An executor, by the params it takes (how a kind's folder declares it). */
export type KindExecutor<P> = (ctx: KindExecutorContext<P>) => Promise<ExecutionResult>;

export type ExecutorContext<K extends KindId> = KindExecutorContext<ParamsOf<K>>;
export type Executor<K extends KindId> = KindExecutor<ParamsOf<K>>;
/** One executor per request kind: a kind without one does not compile. */
export type ExecutorMap = { readonly [K in KindId]: Executor<K> };

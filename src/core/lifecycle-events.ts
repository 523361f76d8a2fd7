import type { ExecutionResult, MessageRef, RequestRecord } from './request.js';

/**
 * What happens to a request, as core tells it. Each event carries the record as it stands after the
 * change; the adapter that shows events to people (Slack today) decides how each one looks.
 */
export type LifecycleEvent =
  /** Stored and decided: allowed and queued, or waiting for approvals. Its first message (the card) goes out. */
  | { type: 'submitted'; record: RequestRecord }
  /** The policy asked for approvals: the prompt goes to the approvers. */
  | { type: 'awaiting_approvals'; record: RequestRecord }
  /** What is known about the request changed without a step of its own (a dry run's plan, a late redraw). */
  | { type: 'decided'; record: RequestRecord }
  /** One approval was recorded; `have` of `need` now count. */
  | { type: 'approved_by'; record: RequestRecord; approver: string; have: number; need: number }
  | { type: 'rejected'; record: RequestRecord; by: string; reason: string }
  | { type: 'cancelled'; record: RequestRecord; by: string }
  | { type: 'expired'; record: RequestRecord }
  /** A worker took the request (or one cluster's part of it) and is applying it. */
  | { type: 'started'; record: RequestRecord; cluster?: string }
  /** Lines from the executor, already coalesced. */
  | { type: 'step_progress'; record: RequestRecord; lines: string[]; cluster?: string }
  /** An attempt failed and will be tried again. */
  | {
      type: 'retrying';
      record: RequestRecord;
      reason: string;
      attempt: number;
      attempts: number;
      cluster?: string;
    }
  /** One cluster of a request over several finished; the request goes on until every cluster has. */
  | {
      type: 'part_settled';
      record: RequestRecord;
      cluster: string;
      outcome: { state: 'succeeded'; result: ExecutionResult } | { state: 'failed'; error: string };
    }
  /**
   * The request ended. `again`: it may have been told already (a crash came between telling it and recording
   * that it was), so it is shown only where it is not yet.
   */
  | { type: 'succeeded'; record: RequestRecord; again?: boolean }
  | { type: 'failed'; record: RequestRecord; again?: boolean }
  /** A time-bound change was undone: its time was up, or someone ended it early. */
  | { type: 'revoked'; record: RequestRecord; summary: string; by: string | null };

export type LifecycleEventType = LifecycleEvent['type'];

/** Messages an adapter posted for an event that the record must remember (to redraw them later). */
export interface PostedMessages {
  /**
   * The request's card: posted for `submitted`, or, for a record that does not know its card, the one found
   * (or posted afresh) while showing the event. Core records it, so the card is drawn in place from then on.
   */
  card?: MessageRef;
  prompt?: MessageRef;
}

/** Where core's lifecycle events go: the one port through which people hear about their requests. */
export interface LifecycleEvents {
  /** Shows the event; throws when it could not (core logs it and goes on: the record holds the truth). */
  publish(event: LifecycleEvent): Promise<PostedMessages>;
}

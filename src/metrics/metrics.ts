/**
 * What the adapters report for metrics. It names no metrics library: the Prometheus implementation is
 * `PrometheusMetrics`, and `noMetrics` stands in where nobody scrapes (scripts, unit tests).
 */
export interface Metrics {
  /** A request was asked for and got an answer: queued, sent for approval, denied or refused as invalid. */
  requestSubmitted(kind: string, decision: SubmitDecision): void;
  /** A request left "awaiting approval" after waiting `seconds`, as approved, rejected, expired or cancelled. */
  approvalSettled(kind: string, outcome: string, seconds: number): void;
  /** One attempt of a job ended. */
  jobFinished(kind: string, cluster: string, outcome: JobOutcome, seconds: number): void;
  /** A worker found a job of this cluster's queue stalled (its worker died holding it); it runs again. */
  jobStalled(cluster: string): void;
  /** One HTTP attempt toward Slack's Web API (a retried call counts each attempt). */
  slackApiCall(method: string, outcome: SlackCallOutcome): void;
  /** A request to a cluster's apiserver failed: by HTTP status, or `network` when there was no answer. */
  kubeApiError(cluster: string, status: string): void;
  /** An error that ended an operation (a failed request or job, a broken route, an unhandled listener error). */
  error(component: string, code: string): void;
  /** One policy evaluation took `seconds`. */
  policyEvaluated(clusterType: string, seconds: number): void;
  /** A policy bundle was refused (bad signature, over its bounds, does not load…); the one in service stays. */
  policyBundleRefused(clusterType: string, reason: string): void;
}

export type SubmitDecision = 'allowed' | 'approval_required' | 'denied' | 'invalid';
export type JobOutcome = 'succeeded' | 'skipped' | 'denied' | 'retrying' | 'failed';
export type SlackCallOutcome = 'ok' | 'error' | 'rate_limited' | 'http_error' | 'network_error';

export const noMetrics: Metrics = {
  requestSubmitted: () => undefined,
  approvalSettled: () => undefined,
  jobFinished: () => undefined,
  jobStalled: () => undefined,
  slackApiCall: () => undefined,
  kubeApiError: () => undefined,
  error: () => undefined,
  policyEvaluated: () => undefined,
  policyBundleRefused: () => undefined,
};

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { AppError } from '../errors.js';
import type { JobOutcome, Metrics, SlackCallOutcome, SubmitDecision } from './metrics.js';

/** Values read when Prometheus scrapes, not kept up to date between scrapes. */
export interface ScrapeSources {
  /** Jobs per cluster queue and state (waiting, active, delayed, failed...). */
  queueDepth(): Promise<Record<string, Record<string, number>>>;
  /** The bundle revision in service per cluster type (types without a bundle are absent). */
  bundleRevisions(): Record<string, string>;
}

export interface PrometheusMetricsOptions {
  /** A scrape gives up on the queue depth (and overdue grants) after this long, leaving the series out. @defaultValue 2000 ms */
  queueDepthTimeoutMs?: number;
}

/**
 * The process's metrics on a registry of its own, not prom-client's global one: several n3r instances in
 * one process (the test harness, `N3R_ROLE=all`) each keep their own series.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'kind' | 'decision'>;
  readonly #approvalWait: Histogram<'kind' | 'outcome'>;
  readonly #jobDuration: Histogram<'kind' | 'cluster' | 'outcome'>;
  readonly #jobsStalled: Counter<'cluster'>;
  readonly #slackCalls: Counter<'method' | 'outcome'>;
  readonly #kubeErrors: Counter<'cluster' | 'status'>;
  readonly #errors: Counter<'component' | 'code'>;
  readonly #policyLatency: Histogram<'cluster_type'>;
  readonly #egressReleased: Counter<'cluster'>;
  readonly #egressLeaks: Counter<'cluster'>;
  readonly #egressDuplicates: Gauge<'cluster'>;
  readonly #scrapeTimeoutMs: number;
  readonly #bundleRefusals: Counter<'cluster_type' | 'reason'>;

  constructor(sources: ScrapeSources, options: PrometheusMetricsOptions = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: 'n3r_requests_total',
      help: 'Requests asked for, by kind and what the policy (or validation) answered',
      labelNames: ['kind', 'decision'],
      registers,
    });
    this.#approvalWait = new Histogram({
      name: 'n3r_approval_wait_seconds',
      help: 'Time a request waited for approval, by how the wait ended',
      labelNames: ['kind', 'outcome'],
      buckets: [10, 60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600],
      registers,
    });
    this.#jobDuration = new Histogram({
      name: 'n3r_job_duration_seconds',
      help: 'Duration of job attempts, by request kind, cluster and outcome',
      labelNames: ['kind', 'cluster', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.#jobsStalled = new Counter({
      name: 'n3r_jobs_stalled_total',
      help: 'Jobs found stalled (their worker died holding them) and run again, by cluster',
      labelNames: ['cluster'],
      registers,
    });
    this.#slackCalls = new Counter({
      name: 'n3r_slack_api_calls_total',
      help: 'HTTP attempts toward the Slack Web API, by method and outcome (rate_limited is a 429)',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.#kubeErrors = new Counter({
      name: 'n3r_kube_api_errors_total',
      help: 'Failed Kubernetes API requests by cluster and HTTP status (network: no answer); 404s include existence checks',
      labelNames: ['cluster', 'status'],
      registers,
    });
    this.#errors = new Counter({
      name: 'n3r_errors_total',
      help: 'Errors that ended an operation, by component and error code',
      labelNames: ['component', 'code'],
      registers,
    });
    this.#policyLatency = new Histogram({
      name: 'n3r_policy_evaluation_seconds',
      help: 'Policy evaluation latency by cluster type',
      labelNames: ['cluster_type'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    });
    this.#bundleRefusals = new Counter({
      name: 'n3r_policy_bundle_refused_total',
      help: 'Policy bundles refused by cluster type and reason (unsigned, bad_signature, digest_mismatch, too_large…); the bundle in service keeps deciding',
      labelNames: ['cluster_type', 'reason'],
      registers,
    });
    this.#egressReleased = new Counter({
      name: 'n3r_egress_ip_released_total',
      help: 'NAT egress IPs given back to their pool because their namespace was gone, by cluster',
      labelNames: ['cluster'],
      registers,
    });
    this.#egressLeaks = new Counter({
      name: 'n3r_egress_ip_leaks_total',
      help: 'NAT egress IPs found in use in the apiserver but not allocated in Redis (recorded again), by cluster',
      labelNames: ['cluster'],
      registers,
    });
    this.#egressDuplicates = new Gauge({
      name: 'n3r_egress_ip_duplicates',
      help: 'NAT egress IPs claimed by more than one namespace at the last reconciliation, by cluster',
      labelNames: ['cluster'],
      registers,
    });
    const timeoutMs = options.queueDepthTimeoutMs ?? 2000;
    this.#scrapeTimeoutMs = timeoutMs;
    new Gauge({
      name: 'n3r_queue_jobs',
      help: 'Jobs in each cluster queue by state, read at scrape time',
      labelNames: ['cluster', 'state'],
      registers,
      async collect() {
        this.reset();
        const depth = await withTimeout(sources.queueDepth(), timeoutMs).catch(() => null);
        for (const [cluster, states] of Object.entries(depth ?? {})) {
          for (const [state, count] of Object.entries(states)) this.set({ cluster, state }, count);
        }
      },
    });
    new Gauge({
      name: 'n3r_policy_bundle_info',
      help: 'The policy bundle revision in service per cluster type (value is always 1)',
      labelNames: ['cluster_type', 'revision'],
      registers,
      collect() {
        this.reset();
        for (const [clusterType, revision] of Object.entries(sources.bundleRevisions())) {
          this.set({ cluster_type: clusterType, revision }, 1);
        }
      },
    });
  }

  /**
   * Adds `n3r_grants_overdue`, read at scrape time: by the worker role, which revokes grants. A scrape gives
   * up after the queue-depth timeout, leaving the series out (an alert on its absence then fires too).
   */
  observeOverdueGrants(count: () => Promise<number>): void {
    const timeoutMs = this.#scrapeTimeoutMs;
    new Gauge({
      name: 'n3r_grants_overdue',
      help: 'Time-bound grants (ACLs) past their expiry that are still in force or not confirmed gone',
      registers: [this.registry],
      async collect() {
        this.reset();
        const overdue = await withTimeout(count(), timeoutMs).catch(() => null);
        if (overdue !== null) this.set(overdue);
      },
    });
  }

  /**
   * Adds `n3r_egress_pool_addresses{cluster,state="used|free"}`, read from Redis at scrape time: by the worker
   * role, which allocates them. A scrape gives up after the queue-depth timeout, leaving the series out.
   */
  observeEgressPools(usage: () => Promise<Record<string, { used: number; free: number }>>): void {
    const timeoutMs = this.#scrapeTimeoutMs;
    new Gauge({
      name: 'n3r_egress_pool_addresses',
      help: 'Addresses of the NAT egress pools of each cluster, used (allocated) or free',
      labelNames: ['cluster', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const byCluster = await withTimeout(usage(), timeoutMs).catch(() => null);
        for (const [cluster, { used, free }] of Object.entries(byCluster ?? {})) {
          this.set({ cluster, state: 'used' }, used);
          this.set({ cluster, state: 'free' }, free);
        }
      },
    });
  }

  /** An egress reconciliation gave `count` addresses back to the cluster's pools (EgressReports). */
  egressIpsReleased(cluster: string, count: number): void {
    this.#egressReleased.inc({ cluster }, count);
  }

  /** An egress reconciliation recorded again `count` addresses Redis had lost (EgressReports). */
  egressIpsLeaked(cluster: string, count: number): void {
    this.#egressLeaks.inc({ cluster }, count);
  }

  /** How many addresses more than one namespace claims, as of the last egress reconciliation (EgressReports). */
  egressIpDuplicates(cluster: string, count: number): void {
    this.#egressDuplicates.set({ cluster }, count);
  }

  /** The exposition text and its content type, for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  requestSubmitted(kind: string, decision: SubmitDecision): void {
    this.#requests.inc({ kind, decision });
  }

  approvalSettled(kind: string, outcome: string, seconds: number): void {
    this.#approvalWait.observe({ kind, outcome }, Math.max(0, seconds));
  }

  jobFinished(kind: string, cluster: string, outcome: JobOutcome, seconds: number): void {
    this.#jobDuration.observe({ kind, cluster, outcome }, seconds);
  }

  jobStalled(cluster: string): void {
    this.#jobsStalled.inc({ cluster });
  }

  slackApiCall(method: string, outcome: SlackCallOutcome): void {
    this.#slackCalls.inc({ method, outcome });
  }

  kubeApiError(cluster: string, status: string): void {
    this.#kubeErrors.inc({ cluster, status });
  }

  error(component: string, code: string): void {
    this.#errors.inc({ component, code });
  }

  policyEvaluated(clusterType: string, seconds: number): void {
    this.#policyLatency.observe({ cluster_type: clusterType }, seconds);
  }

  policyBundleRefused(clusterType: string, reason: string): void {
    this.#bundleRefusals.inc({ cluster_type: clusterType, reason });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('UPSTREAM_UNAVAILABLE', `timed out after ${ms} ms`, { retryable: true })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

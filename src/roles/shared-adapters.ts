import { type FetchFunction, WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import { boltLogger } from '../bot/bolt-logger.js';
import { countingSlackFetch } from '../bot/counting-slack-fetch.js';
import { scrubbingSlackFetch } from '../bot/scrubbing-slack-fetch.js';
import { SlackLifecycleEvents } from '../bot/slack-lifecycle-events.js';
import { type ClusterRegistry, clusterTypes, onCallGroupOf } from '../config/cluster-registry.js';
import type { Settings } from '../config/settings.js';
import type { FactsProvider, PolicyEngine } from '../core/ports.js';
import { KubeClients } from '../executors/kube-clients.js';
import { KubeFactsProvider } from '../executors/kube-facts-provider.js';
import type { Readiness } from '../http/readiness.js';
import { BullmqJobQueue } from '../jobs/bullmq-job-queue.js';
import { BullmqScheduler } from '../jobs/bullmq-scheduler.js';
import { knownSecrets } from '../known-secrets.js';
import type { Logger } from '../logger.js';
import { ApprovalWaitStore } from '../metrics/approval-wait-store.js';
import { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { timedPolicyEngine } from '../metrics/timed-policy-engine.js';
import { withPolicyDeadline } from '../policy/deadline-policy-engine.js';
import { OpaPolicyEngine } from '../policy/opa-policy-engine.js';
import { RedisAlertStore } from '../store/redis-alert-store.js';
import { connectRedis, redisReady } from './redis-connection.js';
import type { StopStack } from './stop-stack.js';

/** The adapters both roles use, built from settings before anything is started. */
export interface SharedAdapters {
  redis: Redis;
  metrics: PrometheusMetrics;
  /** Empty (denying everything, not ready) until its bundles are loaded into it. */
  engine: OpaPolicyEngine;
  /** The engine, with every evaluation timed. */
  policy: PolicyEngine;
  kube: KubeClients;
  /** Namespaces from the clusters, alert groups from Redis, teams' on-call groups from the registry. */
  facts: FactsProvider;
  store: ApprovalWaitStore;
  web: WebClient;
  slackFetch: FetchFunction;
  events: SlackLifecycleEvents;
  scheduler: BullmqScheduler;
}

/**
 * Builds the shared adapters in the order they need each other; nothing here waits on the network. Each
 * readiness condition is registered with the object it checks.
 */
export function buildSharedAdapters(
  settings: Settings,
  registry: ClusterRegistry,
  readiness: Readiness,
  log: Logger,
  stops: StopStack,
): SharedAdapters {
  const redis = connectRedis(settings, log);
  stops.push(async () => redis.quit());
  readiness.require('redis', () => redisReady(redis));
  const engine = new OpaPolicyEngine([], log, { docsUrl: settings.policyDocsUrl });
  readiness.require('policy', () => missingBundles(engine));
  const depthQueues = new BullmqJobQueue(redis, settings.prefix);
  stops.push(() => depthQueues.close());
  const metrics = new PrometheusMetrics({
    queueDepth: () => queueDepth(depthQueues, registry),
    bundleRevisions: () => engine.revisions(),
  });
  // Both roles read facts for the policy; only the worker writes.
  const kube = KubeClients.fromKubeconfig(
    settings.kubeconfigPath,
    registry,
    settings.kubeRateLimit,
    (cluster, status) => metrics.kubeApiError(cluster, status),
  );
  const slackFetch = countingSlackFetch(metrics, scrubbingSlackFetch(knownSecrets(settings)));
  const web = new WebClient(settings.slack.botToken, {
    ...(settings.slack.apiUrl ? { slackApiUrl: settings.slack.apiUrl } : {}),
    fetch: slackFetch,
    // Its warnings (rate limits, retries) go to our structured, redacted log rather than the console.
    logger: boltLogger(log),
  });
  const scheduler = new BullmqScheduler(redis, settings.prefix);
  stops.push(() => scheduler.close());
  return {
    redis,
    metrics,
    engine,
    policy: timedPolicyEngine(withPolicyDeadline(engine, settings.policyDeadlineMs), metrics),
    kube,
    facts: factsProvider(new KubeFactsProvider(kube), new RedisAlertStore(redis, settings.prefix), registry),
    store: new ApprovalWaitStore(redis, settings.prefix, log, metrics),
    web,
    slackFetch,
    events: new SlackLifecycleEvents(web, registry.approverChannels),
    scheduler,
  };
}

/** The facts the policy reads, each from where it lives. */
function factsProvider(
  kube: KubeFactsProvider,
  alerts: RedisAlertStore,
  registry: ClusterRegistry,
): FactsProvider {
  return {
    namespace: (cluster, name) => kube.namespace(cluster, name),
    alertGroup: (id) => alerts.facts(id),
    team: async (name) => ({ name, oncallGroup: onCallGroupOf(registry, name) }),
  };
}

/** Jobs per cluster queue and state, for the queue depth gauge. */
async function queueDepth(
  queues: BullmqJobQueue,
  registry: ClusterRegistry,
): Promise<Record<string, Record<string, number>>> {
  const counts = await Promise.all(
    registry.clusters.map(async (c) => [c.name, await queues.queueFor(c.name).getJobCounts()] as const),
  );
  return Object.fromEntries(counts);
}

function missingBundles(engine: OpaPolicyEngine): string | null {
  const missing = clusterTypes.filter((type) => engine.revisionOf(type) === undefined);
  return missing.length === 0 ? null : `no bundle loaded for cluster type ${missing.join(', ')}`;
}

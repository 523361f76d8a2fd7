import { SlackIdentityResolver } from '../bot/slack-identity.js';
import { type ClusterRegistry, egressPoolsOf } from '../config/cluster-registry.js';
import type { Settings } from '../config/settings.js';
import { recoverOrphans } from '../core/recover-orphans.js';
import { BullmqJobQueue } from '../jobs/bullmq-job-queue.js';
import { startTimerWorker } from '../jobs/bullmq-scheduler.js';
import { GrantSweeper } from '../jobs/grant-sweeper.js';
import { startWorkers } from '../jobs/start-workers.js';
import { aclGrants } from '../kinds/acl-open/grants.js';
import { EgressReconciler } from '../kinds/namespace-create/egress-reconciler.js';
import { createExecutors, createRevokers } from '../kinds/runtime.js';
import type { Logger } from '../logger.js';
import { EgressIpAllocator } from '../store/egress-ip-allocator.js';
import { connectRedis } from './redis-connection.js';
import type { SharedAdapters } from './shared-adapters.js';
import type { StopStack } from './stop-stack.js';

/**
 * The worker role: a BullMQ worker per cluster running requests, the timers worker (expiries,
 * revocations, grant sweeps with the egress IP reconciliation), and the sweeps scheduled: one now and one
 * a minute (N3R_GRANT_SWEEP_MS).
 */
export async function startWorkerRole(
  settings: Settings,
  registry: ClusterRegistry,
  shared: SharedAdapters,
  log: Logger,
  stops: StopStack,
): Promise<void> {
  const { kube, redis, store, policy, facts, events, web, scheduler, metrics } = shared;
  const executorDeps = { kube, registry, redis, prefix: settings.prefix };
  const connection = connectRedis(settings, log);
  const workers = startWorkers(
    {
      registry,
      connection,
      prefix: settings.prefix,
      store,
      policy,
      facts,
      // The worker re-reads the requester's groups right before running: a short-lived cache of its own.
      identity: new SlackIdentityResolver(web, registry.groups, { ttlMs: settings.runIdentityMaxAgeMs }),
      events,
      executors: await createExecutors(executorDeps),
      scheduler,
      log,
      metrics,
    },
    settings.jobs,
  );
  // Its own queue handle: recovery re-queues lost jobs by request id, which the queue dedupes.
  const queue = new BullmqJobQueue(redis, settings.prefix);
  stops.push(() => queue.close());
  const sweeper = new GrantSweeper(aclGrants(executorDeps), scheduler, log);
  const egressPools = new EgressIpAllocator(redis, settings.prefix, egressPoolsOf(registry));
  const egress = new EgressReconciler(
    { kube, registry, allocator: egressPools, store, log, reports: metrics },
    { releaseGraceMs: settings.jobs.egressReleaseGraceMs },
  );
  const timers = startTimerWorker({
    store,
    events,
    log,
    revokers: await createRevokers(executorDeps),
    sweeper,
    recoverOrphans: () => recoverOrphans({ store, queue, scheduler, log }),
    reconcileEgress: () => egress.reconcile(),
    connection,
    prefix: settings.prefix,
  });
  // Closing waits for jobs in flight to finish, so a normal restart leaves nothing stalled.
  stops.push(async () => {
    await Promise.all([workers.close(), timers.close()]);
    await connection.quit();
  });
  metrics.observeOverdueGrants(() => sweeper.overdue());
  metrics.observeEgressPools(() => egressPools.usageByCluster(registry.clusters.map((c) => c.name)));
  // Not awaited: a start while Redis is away goes on (readiness says so) and the sweeps are set when it is back.
  scheduler
    .scheduleSweeps(settings.jobs.grantSweepMs)
    .catch((error: unknown) => log.error({ err: error }, 'could not schedule the grant sweeps'));
  log.info({ clusters: registry.clusters.map((c) => c.name) }, 'workers started');
}

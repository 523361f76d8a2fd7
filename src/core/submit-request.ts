import {
  type ClusterRegistry,
  findCluster,
  regionPairClusters,
  regionPairOf,
} from '../config/cluster-registry.js';
import { listIssues } from '../config/schema-errors.js';
import { AppError } from '../errors.js';
import type { AnyRequestKind } from '../kinds/index.js';
import { durationSeconds } from '../kinds/params/duration.js';
import type { Logger } from '../logger.js';
import { currentHashOf } from './bound-request.js';
import type { Decision } from './decision.js';
import type { LifecycleEvents } from './lifecycle-events.js';
import { evaluate } from './policy-input.js';
import type {
  FactsProvider,
  IdentityResolver,
  JobQueue,
  PolicyEngine,
  RequestStore,
  Scheduler,
} from './ports.js';
import { publish, publishLatest } from './publish.js';
import type { ClusterRef, RequestRecord } from './request.js';
import { hashOf } from './request-hash.js';
import { newRequestId } from './request-id.js';

export interface SubmitDeps {
  registry: ClusterRegistry;
  identity: IdentityResolver;
  facts: FactsProvider;
  policy: PolicyEngine;
  store: RequestStore;
  queue: JobQueue;
  scheduler: Scheduler;
  events: LifecycleEvents;
  log: Logger;
  now?: () => Date;
}

export interface Ask {
  kind: AnyRequestKind;
  /** Parameters as the person gave them, before validation. */
  rawParams: Record<string, unknown>;
  slackUserId: string;
  channel: string;
  /** The thread of `channel` the request was made in (an alert thread); its card goes there. */
  threadTs?: string;
  /**
   * The dedupe key of the Slack delivery that carried the ask (`command:<trigger_id>`, `view:<id>:<hash>`,
   * `action:<action_ts>:<user>`), the same on every redelivery: the request is stored together with it, so a
   * redelivery finds the request instead of making a second one.
   */
  deliveryId?: string;
}

export type SubmitOutcome =
  | { outcome: 'invalid'; problems: string[]; paths: string[] }
  | { outcome: 'denied'; description: string; decision: Decision }
  | { outcome: 'accepted'; record: RequestRecord }
  /** The same delivery, handled twice at once, already made its request: this attempt changed nothing. */
  | { outcome: 'redelivered' };

/** An approval that nobody gives expires after this long unless the policy says otherwise. */
export const defaultApprovalExpiryMs = 24 * 3_600_000;

/**
 * Parse → decide → persist → card → (approval prompt | enqueue). Invalid and denied asks change nothing;
 * an accepted one is stored before anyone is told, and its job id is the request id, so a retry cannot
 * queue it twice.
 */
export async function submitRequest(deps: SubmitDeps, ask: Ask): Promise<SubmitOutcome> {
  const parsed = ask.kind.params.safeParse(ask.rawParams);
  if (!parsed.success) {
    return {
      outcome: 'invalid',
      problems: listIssues(parsed.error),
      paths: parsed.error.issues.map((i) => String(i.path[0] ?? '')),
    };
  }
  const params = parsed.data;
  const cluster = findCluster(deps.registry, params.cluster);
  if (!cluster) {
    const known = deps.registry.clusters.map((c) => c.name).join(', ');
    return {
      outcome: 'invalid',
      problems: [`cluster: unknown cluster '${params.cluster}' (known: ${known})`],
      paths: ['cluster'],
    };
  }

  const clusterRef = { name: cluster.name, type: cluster.type, region: cluster.region };
  let targets: ClusterRef[] | undefined;
  if (ask.kind.spansRegionPair?.(params)) {
    const pair = regionPairOf(deps.registry, cluster);
    if (!pair) {
      const pairs = deps.registry.regionPairs.map(
        (p) =>
          `${p.name}: ${regionPairClusters(deps.registry, p)
            .map((c) => c.name)
            .join(', ')}`,
      );
      return {
        outcome: 'invalid',
        problems: [
          `ha: cluster '${cluster.name}' is in no region pair, so it cannot be deployed to both regions (${
            pairs.length > 0 ? `pairs: ${pairs.join('; ')}` : 'the registry has no region pairs'
          })`,
        ],
        paths: ['ha'],
      };
    }
    targets = regionPairClusters(deps.registry, pair).map((c) => ({
      name: c.name,
      type: c.type,
      region: c.region,
    }));
  }
  const requester = await deps.identity.resolve(ask.slackUserId);
  const id = newRequestId();
  const log = deps.log.child({
    requestId: id,
    kind: ask.kind.id,
    cluster: cluster.name,
    slackUserId: ask.slackUserId,
  });
  const description = ask.kind.describe(params);
  const { decision, input } = await evaluate(deps, {
    id,
    kind: ask.kind,
    params,
    requester,
    cluster: clusterRef,
    approvals: [],
    targets,
  });
  log.info({ audit: true, decision, description }, 'policy decided');
  if (decision.deny.length > 0) return { outcome: 'denied', description, decision };
  if (!decision.allow && !decision.approval.required) {
    return {
      outcome: 'denied',
      description,
      decision: {
        ...decision,
        deny: [{ rule: 'engine.no_allow', message: 'the policy did not allow this request' }],
      },
    };
  }

  const now = (deps.now ?? (() => new Date()))();
  const awaiting = !decision.allow;
  const expirySeconds = durationSeconds(decision.approval.expiresIn);
  const expiry = expirySeconds === undefined ? defaultApprovalExpiryMs : expirySeconds * 1000;
  const record: RequestRecord = {
    id,
    kind: ask.kind.id,
    // As given: the typed values are not JSON; the worker parses these again with the kind's schema.
    params: ask.rawParams,
    description,
    requester,
    cluster: clusterRef,
    state: awaiting ? 'awaiting_approval' : 'queued',
    channel: ask.channel,
    ...(ask.threadTs ? { threadTs: ask.threadTs } : {}),
    card: null,
    prompt: null,
    requestHash: '',
    approvals: [],
    rejection: null,
    expiresAt: awaiting ? new Date(now.getTime() + expiry).toISOString() : null,
    decision,
    ...(targets
      ? { targets: targets.map((t) => ({ cluster: t, state: 'queued' as const, result: null, error: null })) }
      : {}),
    result: null,
    error: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  record.requestHash = currentHashOf(record) ?? '';
  const decided = {
    event: 'decided',
    actor: requester.slackId,
    detail: {
      outcome: awaiting ? 'approval required' : 'allowed',
      revision: decision.revision,
      input_hash: hashOf(input),
      description,
    },
  };
  const created = await deps.store.create(record, decided, ask.deliveryId);
  if (created === 'redelivered') {
    log.info({ deliveryId: ask.deliveryId }, 'delivery already made its request');
    return { outcome: 'redelivered' };
  }
  if (created === 'id-taken') throw new AppError('CONFLICT', `request id ${id} is already taken`);

  // The request stands even without its card (publish records it): the next event finds it, or posts one.
  const card = (await publish({ ...deps, log }, { type: 'submitted', record }))?.card;
  if (card) record.card = card;

  if (awaiting) {
    await deps.scheduler.scheduleExpiry(record);
    // Without its prompt the card still says it waits; approvers can act once the prompt is re-posted.
    const prompt = (await publish({ ...deps, log }, { type: 'awaiting_approvals', record }))?.prompt ?? null;
    if (prompt) await deps.store.linkMessage(prompt, { requestId: id, requestHash: record.requestHash });
    const stored = await deps.store.update(id, (r) => ({
      record: { ...r, prompt },
      audit: {
        event: 'approval requested',
        actor: 'n3r',
        detail: {
          groups: decision.approval.groups.join(','),
          count: String(decision.approval.count),
          expires_at: record.expiresAt ?? '',
        },
      },
    }));
    // Cancelled (or decided) before the prompt was recorded: the prompt must not go on asking.
    if (stored && stored.state !== 'awaiting_approval') {
      await publishLatest({ ...deps, log }, id, (latest) => ({ type: 'decided', record: latest }));
    }
    // Approvers see what would change; the worker (which may write to the cluster) makes the dry run.
    await deps.queue
      .enqueuePreview(record)
      .catch((error: unknown) => log.warn({ err: error }, 'preview not queued'));
    return { outcome: 'accepted', record: { ...record, prompt } };
  }

  await enqueueOrFail(deps, record, log);
  return { outcome: 'accepted', record };
}

/** Enqueues an allowed request and records it; a queue failure marks the request failed and tells. */
export async function enqueueOrFail(
  deps: Pick<SubmitDeps, 'queue' | 'store' | 'events'>,
  record: RequestRecord,
  log: Logger,
): Promise<void> {
  try {
    await deps.queue.enqueue(record);
  } catch (error) {
    // Marked failed so that a job that did get queued finds it terminal and does nothing.
    const failed = await deps.store.transition(record.id, ['queued'], 'failed', {
      error: 'the job queue could not be reached',
    });
    if (failed) await publish({ ...deps, log }, { type: 'failed', record: failed });
    throw error;
  }
  await deps.store.update(record.id, (r) => ({ record: r, audit: { event: 'job queued', actor: 'n3r' } }));
  log.info({ audit: true }, 'request queued');
}

import { type ClusterRegistry, findCluster } from '../config/cluster-registry.js';
import { listIssues } from '../config/schema-errors.js';
import type { Logger } from '../logger.js';
import type { AnyRequestKind } from '../requests/registry.js';
import type { Decision } from './decision.js';
import { buildPolicyInput, gatherContext } from './policy-input.js';
import type {
  FactsProvider,
  IdentityResolver,
  JobQueue,
  Notifier,
  PolicyEngine,
  RequestStore,
} from './ports.js';
import type { RequestRecord } from './request.js';
import { newRequestId } from './request-id.js';

export interface SubmitDeps {
  registry: ClusterRegistry;
  identity: IdentityResolver;
  facts: FactsProvider;
  policy: PolicyEngine;
  store: RequestStore;
  queue: JobQueue;
  notifier: Notifier;
  log: Logger;
  now?: () => Date;
}

export interface Ask {
  kind: AnyRequestKind;
  /** Parameters as the person gave them, before validation. */
  rawParams: Record<string, unknown>;
  slackUserId: string;
  channel: string;
}

export type SubmitOutcome =
  | { outcome: 'invalid'; problems: string[] }
  | { outcome: 'denied'; description: string; decision: Decision }
  | { outcome: 'accepted'; record: RequestRecord };

/**
 * Parse → decide → persist → card → enqueue. Invalid and denied asks change nothing; an accepted one is
 * stored before anyone is told, and its job id is the request id, so a retry cannot queue it twice.
 */
export async function submitRequest(deps: SubmitDeps, ask: Ask): Promise<SubmitOutcome> {
  const parsed = ask.kind.params.safeParse(ask.rawParams);
  if (!parsed.success) return { outcome: 'invalid', problems: listIssues(parsed.error) };
  const params = parsed.data;

  const cluster = findCluster(deps.registry, params.cluster);
  if (!cluster) {
    const known = deps.registry.clusters.map((c) => c.name).join(', ');
    return {
      outcome: 'invalid',
      problems: [`cluster: unknown cluster '${params.cluster}' (known: ${known})`],
    };
  }

  const clusterRef = { name: cluster.name, type: cluster.type, region: cluster.region };
  const [requester, context] = await Promise.all([
    deps.identity.resolve(ask.slackUserId),
    gatherContext(deps.facts, ask.kind, params, clusterRef),
  ]);
  const id = newRequestId();
  const log = deps.log.child({
    requestId: id,
    kind: ask.kind.id,
    cluster: cluster.name,
    slackUserId: ask.slackUserId,
  });
  const description = ask.kind.describe(params);

  const decision = deps.policy.decide(
    cluster.type,
    buildPolicyInput({ id, kind: ask.kind, params, requester, cluster: clusterRef, context }),
  );
  log.info({ audit: true, decision }, 'policy decided');
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

  const now = (deps.now ?? (() => new Date()))().toISOString();
  const record: RequestRecord = {
    id,
    kind: ask.kind.id,
    params,
    description,
    requester,
    cluster: clusterRef,
    state: decision.allow ? 'queued' : 'awaiting_approval',
    channel: ask.channel,
    card: null,
    decision,
    result: null,
    error: null,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await deps.store.create(record))) throw new Error(`request id ${id} is already taken`);
  log.info({ audit: true, state: record.state }, 'request stored');

  try {
    record.card = await deps.notifier.postCard(record);
    await deps.store.setCard(id, record.card);
  } catch (error) {
    // The request stands without its card; the worker posts a fresh message when it reports.
    log.warn({ err: error }, 'request card not posted');
  }

  if (record.state === 'queued') {
    try {
      await deps.queue.enqueue(record);
    } catch (error) {
      // Marked failed so that a job that did get queued finds it terminal and does nothing.
      const failed = await deps.store.transition(id, ['queued'], 'failed', {
        error: 'the job queue could not be reached',
      });
      if (failed) await deps.notifier.updateCard(failed).catch(() => undefined);
      throw error;
    }
    log.info({ audit: true }, 'request queued');
  }
  return { outcome: 'accepted', record };
}

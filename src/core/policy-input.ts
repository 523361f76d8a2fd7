import type { AnyRequestKind } from '../requests/registry.js';
import type { Decision, PolicyInput } from './decision.js';
import type { FactsProvider, GatheredFacts, PolicyEngine } from './ports.js';
import type { Approval, ClusterRef, Requester } from './request.js';

type KindParams = Parameters<AnyRequestKind['toPolicyParams']>[0];

export interface Evaluation {
  id: string;
  kind: AnyRequestKind;
  params: KindParams;
  requester: Requester;
  cluster: ClusterRef;
  /** Approvals bound to the current request hash; others are left out. */
  approvals: readonly Approval[];
}

/** Fetches the facts the kind's rules need (today: its namespace). */
export async function gatherFacts(
  facts: FactsProvider,
  kind: AnyRequestKind,
  params: KindParams,
  cluster: ClusterRef,
): Promise<GatheredFacts> {
  const namespace = kind.namespaceOf?.(params);
  return namespace === undefined ? {} : { namespace: await facts.namespace(cluster.name, namespace) };
}

/** The facts as the policy sees them in `input.context`. */
export function policyContext(gathered: GatheredFacts): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  const found = gathered.namespace;
  if (found) context.namespace = { exists: found.exists, team: found.team, request_id: found.requestId };
  return context;
}

export function buildPolicyInput(args: Evaluation & { context: Record<string, unknown> }): PolicyInput {
  return {
    request: {
      id: args.id,
      kind: args.kind.id,
      params: args.kind.toPolicyParams(args.params),
      requester: {
        slack_id: args.requester.slackId,
        email: args.requester.email,
        groups: args.requester.groups,
      },
    },
    cluster: { name: args.cluster.name, type: args.cluster.type, region: args.cluster.region },
    approvals: args.approvals.map((a) => ({ slack_id: a.slackId, groups: a.groups, at: a.at })),
    context: args.context,
  };
}

/**
 * Gathers fresh facts and asks the policy; the input goes with the decision for the audit trail, and the
 * facts go to the executor, which then need not read them again.
 */
export async function evaluate(
  deps: { facts: FactsProvider; policy: PolicyEngine },
  args: Evaluation,
): Promise<{ decision: Decision; input: PolicyInput; facts: GatheredFacts }> {
  const facts = await gatherFacts(deps.facts, args.kind, args.params, args.cluster);
  const input = buildPolicyInput({ ...args, context: policyContext(facts) });
  return { decision: deps.policy.decide(args.cluster.type, input), input, facts };
}

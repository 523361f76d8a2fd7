import type { AnyRequestKind } from '../requests/registry.js';
import type { Decision, PolicyInput } from './decision.js';
import type { FactsProvider, PolicyEngine } from './ports.js';
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
  /** Every cluster a region-pair request changes; the policy decides for each (`input.context.targets`). */
  targets?: readonly ClusterRef[] | undefined;
}

/** Fetches the facts the kind's rules need (today: its namespace) into `input.context`. */
export async function gatherContext(
  facts: FactsProvider,
  kind: AnyRequestKind,
  params: KindParams,
  cluster: ClusterRef,
  targets?: readonly ClusterRef[],
) {
  const context: Record<string, unknown> = {};
  const namespace = kind.namespaceOf?.(params);
  const namespaceOn = async (on: ClusterRef) => {
    if (namespace === undefined) return undefined;
    const found = await facts.namespace(on.name, namespace);
    return { exists: found.exists, team: found.team, request_id: found.requestId };
  };
  if (namespace !== undefined) context.namespace = await namespaceOn(cluster);
  if (targets) {
    context.targets = await Promise.all(
      targets.map(async (t) => ({
        name: t.name,
        type: t.type,
        region: t.region,
        ...(namespace === undefined ? {} : { namespace: await namespaceOn(t) }),
      })),
    );
  }
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

/** Gathers fresh facts and asks the policy; the input goes with the decision for the audit trail. */
export async function evaluate(
  deps: { facts: FactsProvider; policy: PolicyEngine },
  args: Evaluation,
): Promise<{ decision: Decision; input: PolicyInput }> {
  const context = await gatherContext(deps.facts, args.kind, args.params, args.cluster, args.targets);
  const input = buildPolicyInput({ ...args, context });
  return { decision: deps.policy.decide(args.cluster.type, input), input };
}

import type { AnyRequestKind } from '../kinds/index.js';
import type { Decision, PolicyInput } from './decision.js';
import type { FactsProvider, GatheredFacts, NamespaceFacts, PolicyEngine } from './ports.js';
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

/**
 * Fetches the facts the kind's rules need: its namespace, on its cluster and on every target cluster; the
 * alert group it is about; the team it acts for (the alert group's, unless the kind names one).
 */
export async function gatherFacts(
  facts: FactsProvider,
  kind: AnyRequestKind,
  params: KindParams,
  cluster: ClusterRef,
  targets?: readonly ClusterRef[],
): Promise<GatheredFacts> {
  const namespace = kind.namespaceOf?.(params);
  const namespaceOn = async (on: ClusterRef) =>
    namespace === undefined ? undefined : await facts.namespace(on.name, namespace);
  const gathered: GatheredFacts = {};
  const own = await namespaceOn(cluster);
  if (own) gathered.namespace = own;
  const alertGroup = kind.alertGroupOf?.(params);
  if (alertGroup !== undefined) gathered.alertGroup = await facts.alertGroup(alertGroup);
  const team = kind.teamOf?.(params) ?? gathered.alertGroup?.team ?? undefined;
  if (team) gathered.team = await facts.team(team);
  if (targets) {
    gathered.targets = await Promise.all(
      targets.map(async (on) => {
        const found = await namespaceOn(on);
        return { cluster: on, ...(found ? { namespace: found } : {}) };
      }),
    );
  }
  return gathered;
}

/** The facts as the policy sees them in `input.context`. */
export function policyContext(gathered: GatheredFacts): Record<string, unknown> {
  const view = (found: NamespaceFacts) => ({
    exists: found.exists,
    team: found.team,
    request_id: found.requestId,
  });
  const context: Record<string, unknown> = {};
  if (gathered.namespace) context.namespace = view(gathered.namespace);
  if (gathered.alertGroup) {
    const group = gathered.alertGroup;
    context.alert_group = {
      exists: group.exists,
      cluster: group.cluster,
      team: group.team,
      acked_by: group.ackedBy,
      silences: group.silences.map((s) => ({ id: s.id, created_by: s.createdBy, expired_by: s.expiredBy })),
    };
  }
  if (gathered.team) context.team = { name: gathered.team.name, oncall_group: gathered.team.oncallGroup };
  if (gathered.targets) {
    context.targets = gathered.targets.map((t) => ({
      name: t.cluster.name,
      type: t.cluster.type,
      region: t.cluster.region,
      ...(t.namespace ? { namespace: view(t.namespace) } : {}),
    }));
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

/**
 * Gathers fresh facts and asks the policy; the input goes with the decision for the audit trail, and the
 * facts go to the executor, which then need not read them again.
 */
export async function evaluate(
  deps: { facts: FactsProvider; policy: PolicyEngine },
  args: Evaluation,
): Promise<{ decision: Decision; input: PolicyInput; facts: GatheredFacts }> {
  const facts = await gatherFacts(deps.facts, args.kind, args.params, args.cluster, args.targets);
  const input = buildPolicyInput({ ...args, context: policyContext(facts) });
  return { decision: deps.policy.decide(args.cluster.type, input), input, facts };
}

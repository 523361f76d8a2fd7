import type { AnyRequestKind } from '../requests/registry.js';
import type { PolicyInput } from './decision.js';
import type { FactsProvider } from './ports.js';
import type { ClusterRef, Requester } from './request.js';

type KindParams = Parameters<AnyRequestKind['toPolicyParams']>[0];

/** Fetches the facts the kind's rules need (today: its namespace) into `input.context`. */
export async function gatherContext(
  facts: FactsProvider,
  kind: AnyRequestKind,
  params: KindParams,
  cluster: ClusterRef,
) {
  const context: Record<string, unknown> = {};
  const namespace = kind.namespaceOf?.(params);
  if (namespace !== undefined) {
    const found = await facts.namespace(cluster.name, namespace);
    context['namespace'] = { exists: found.exists, team: found.team, request_id: found.requestId };
  }
  return context;
}

export function buildPolicyInput(args: {
  id: string;
  kind: AnyRequestKind;
  params: KindParams;
  requester: Requester;
  cluster: ClusterRef;
  context: Record<string, unknown>;
}): PolicyInput {
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
    approvals: [],
    context: args.context,
  };
}

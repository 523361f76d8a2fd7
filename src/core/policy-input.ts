import type { AnyRequestKind } from '../requests/registry.js';
import type { PolicyInput } from './decision.js';
import type { ClusterRef, Requester } from './request.js';

export function buildPolicyInput(args: {
  id: string;
  kind: AnyRequestKind;
  params: Parameters<AnyRequestKind['toPolicyParams']>[0];
  requester: Requester;
  cluster: ClusterRef;
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
    context: {},
  };
}

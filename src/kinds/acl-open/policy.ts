import type { KindPolicy } from '../define.js';
import type { AclOpenParams } from './params.js';

export const aclOpenPolicy = {
  // The namespace the ACL opens: the policy checks it is the requester's team's.
  namespaceOf: (p) => p.namespace,
  toPolicyParams: (p) => {
    const common = { namespace: p.namespace, ports: p.ports, ttl_seconds: p.ttl.seconds };
    if (p.from !== undefined) {
      return { ...common, direction: 'ingress', via: p.via ?? 'l4', sources: p.from.map((c) => c.text) };
    }
    const targetCluster = p['to-cluster'];
    const targetNamespace = p['to-namespace'];
    return {
      ...common,
      direction: 'egress',
      destinations: (p.to ?? []).map((c) => c.text),
      target:
        targetCluster === undefined || targetNamespace === undefined
          ? null
          : { cluster: targetCluster, namespace: targetNamespace },
    };
  },
} satisfies KindPolicy<AclOpenParams>;

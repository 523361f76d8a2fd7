import type { KindIntake } from '../define.js';
import { type AclOpenParams, showAclPorts } from './params.js';

const cidrText = (cidrs: readonly { text: string }[]) => cidrs.map((c) => c.text).join(',');

/**
 * A network ACL for a namespace, for a limited time (`--ttl`, default 24h; the policy caps it).
 * - egress to networks (`--to`) and/or to another cluster's L4 load balancer (`--to-cluster`, `--to-namespace`),
 *   leaving through the namespace's NAT egress IP;
 * - ingress from networks (`--from`) through the cluster's fixed L4 or L7 address (`--via`, default l4).
 * Ports are `tcp/443`, `udp/53` or a bare number (TCP), comma-separated.
 * Examples: `/n3r acl open --cluster pub-kr1-a --namespace team-a-web --to 10.1.0.0/16,10.2.0.0/16 --ports tcp/443,udp/53 --ttl 24h`
 *           `/n3r acl open --cluster pub-kr1-a --namespace team-a-web --to-cluster ded-kr1-a --to-namespace team-a-api --ports tcp/443`
 */
export const aclOpenIntake = {
  command: ['acl', 'open'],
  positional: [],
  usage:
    '/n3r acl open --cluster <cluster> --namespace <namespace> (--to <cidr,…> | --to-cluster <cluster> --to-namespace <namespace> | --from <cidr,…> [--via l4|l7]) --ports <tcp/443,udp/53> [--ttl 24h]',
  summary:
    'open network access for a namespace for a limited time: egress to networks or another cluster, or ingress',
  describe: (p) => {
    const ttl = `for ${p.ttl.text}`;
    const ports = showAclPorts(p.ports);
    if (p.from !== undefined)
      return `ingress to ${p.namespace} on ${p.cluster} from ${cidrText(p.from)} via ${p.via ?? 'l4'} on ${ports} ${ttl}`;
    const targets = [
      ...(p.to === undefined ? [] : [cidrText(p.to)]),
      ...(p['to-cluster'] === undefined
        ? []
        : [`the load balancer of ${p['to-namespace']} on ${p['to-cluster']}`]),
    ];
    return `egress from ${p.namespace} on ${p.cluster} to ${targets.join(' and ')} on ${ports} ${ttl}`;
  },
} satisfies KindIntake<AclOpenParams>;

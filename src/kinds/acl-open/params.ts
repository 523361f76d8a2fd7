import { z } from 'zod';
import { ipv4CidrList } from '../params/cidr.js';
import { duration } from '../params/duration.js';
import { portRangeList } from '../params/port-range.js';
import { clusterName, dnsLabel } from '../params/text.js';

/** One port an ACL opens. */
export interface AclPort {
  protocol: 'TCP' | 'UDP';
  port: number;
}

/** Single TCP or UDP ports: what the policy contract and Cilium's `toPorts` take today. */
const aclPorts = portRangeList.transform((ranges, ctx): AclPort[] => {
  const ports: AclPort[] = [];
  for (const range of ranges) {
    if (range.protocol === 'ICMP' || range.first !== range.last) {
      ctx.addIssue({
        code: 'custom',
        message: 'port ranges and icmp are not opened by ACLs yet: list single ports such as tcp/443,udp/53',
      });
      return z.NEVER;
    }
    ports.push({ protocol: range.protocol, port: range.first });
  }
  return ports;
});

export const aclOpenParams = z
  .strictObject({
    cluster: clusterName,
    namespace: dnsLabel,
    to: ipv4CidrList.optional(),
    'to-cluster': clusterName.optional(),
    'to-namespace': dnsLabel.optional(),
    from: ipv4CidrList.optional(),
    via: z.enum(['l4', 'l7'], { error: "must be 'l4' or 'l7'" }).optional(),
    ports: aclPorts,
    ttl: duration('90m, 24h or 7d').prefault('24h'),
  })
  .superRefine((p, ctx) => {
    const egress = p.to !== undefined || p['to-cluster'] !== undefined || p['to-namespace'] !== undefined;
    const ingress = p.from !== undefined || p.via !== undefined;
    if (egress && ingress) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'an ACL is either egress (--to, --to-cluster) or ingress (--from, --via), not both',
      });
    } else if (!egress && !ingress) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message:
          'say where to: --to <cidrs> or --to-cluster/--to-namespace for egress, --from <cidrs> for ingress',
      });
    }
    if ((p['to-cluster'] === undefined) !== (p['to-namespace'] === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [p['to-cluster'] === undefined ? 'to-cluster' : 'to-namespace'],
        message: '--to-cluster and --to-namespace go together',
      });
    }
    if (p.via !== undefined && p.from === undefined) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'ingress --via needs --from <cidrs>' });
    }
  });

export type AclOpenParams = z.output<typeof aclOpenParams>;

/** The direction of an ACL request, as the policy and the executor see it. */
export function aclDirection(p: Pick<AclOpenParams, 'from'>): 'egress' | 'ingress' {
  return p.from === undefined ? 'egress' : 'ingress';
}

/** `tcp/443,udp/53`. */
export const showAclPorts = (ports: readonly AclPort[]) =>
  ports.map((p) => `${p.protocol.toLowerCase()}/${p.port}`).join(',');

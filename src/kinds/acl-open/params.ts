import { z } from 'zod';
import { clusterName, dnsLabel, text } from './common-params.js';
import { defineRequestKind } from './define.js';
import { durationSeconds } from './durations.js';

export interface AclPort {
  protocol: 'TCP' | 'UDP';
  port: number;
}

const ipv4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** `10.1.0.0/16,10.2.3.4` → ['10.1.0.0/16', '10.2.3.4/32']; undefined when an entry is not an IPv4 address or CIDR. */
export function cidrList(value: string): string[] | undefined {
  const entries = value.split(',').map((entry) => entry.trim());
  const cidrs: string[] = [];
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    if (extra !== undefined || !ipv4.test(address)) return undefined;
    if (prefix !== undefined && !/^(3[0-2]|[12]?\d)$/.test(prefix)) return undefined;
    cidrs.push(`${address}/${prefix ?? '32'}`);
  }
  return cidrs.length > 0 ? cidrs : undefined;
}

/** `tcp/443,udp/53,8080` → [{TCP 443}, {UDP 53}, {TCP 8080}]; undefined when an entry is not `[tcp|udp/]port`. */
export function portList(value: string): AclPort[] | undefined {
  const ports: AclPort[] = [];
  for (const entry of value.split(',').map((e) => e.trim())) {
    const match = /^(?:(tcp|udp)\/)?(\d{1,5})$/i.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return undefined;
    ports.push({ protocol: (match[1]?.toUpperCase() ?? 'TCP') as AclPort['protocol'], port });
  }
  return ports.length > 0 ? ports : undefined;
}

const cidrs = text().refine(
  (v) => cidrList(v) !== undefined,
  'must be IPv4 CIDRs or addresses, comma-separated, such as 10.1.0.0/16,10.2.3.4',
);

/**
 * A network ACL for a namespace, for a limited time (`--ttl`, default 24h; the policy caps it).
 * - egress to networks (`--to`) and/or to another cluster's L4 load balancer (`--to-cluster`, `--to-namespace`),
 *   leaving through the namespace's NAT egress IP;
 * - ingress from networks (`--from`) through the cluster's fixed L4 or L7 address (`--via`, default l4).
 * Ports are `tcp/443`, `udp/53` or a bare number (TCP), comma-separated.
 * Examples: `/n3r acl open --cluster pub-kr1-a --namespace team-a-web --to 10.1.0.0/16,10.2.0.0/16 --ports tcp/443,udp/53 --ttl 24h`
 *           `/n3r acl open --cluster pub-kr1-a --namespace team-a-web --to-cluster ded-kr1-a --to-namespace team-a-api --ports tcp/443`
 */
export const aclOpen = defineRequestKind({
  id: 'acl.open',
  command: ['acl', 'open'],
  positional: [],
  usage:
    '/n3r acl open --cluster <cluster> --namespace <namespace> (--to <cidr,…> | --to-cluster <cluster> --to-namespace <namespace> | --from <cidr,…> [--via l4|l7]) --ports <tcp/443,udp/53> [--ttl 24h]',
  summary:
    'open network access for a namespace for a limited time: egress to networks or another cluster, or ingress',
  params: z
    .strictObject({
      cluster: clusterName,
      namespace: dnsLabel,
      to: cidrs.optional(),
      'to-cluster': clusterName.optional(),
      'to-namespace': dnsLabel.optional(),
      from: cidrs.optional(),
      via: z.enum(['l4', 'l7'], { error: "must be 'l4' or 'l7'" }).optional(),
      ports: text().refine(
        (v) => portList(v) !== undefined,
        'must be ports such as tcp/443,udp/53 (a bare number is TCP), each 1-65535',
      ),
      ttl: text()
        .refine((v) => durationSeconds(v) !== undefined, 'must be a duration such as 90m, 24h or 7d')
        .default('24h'),
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
    }),
  describe: (p) => {
    const ttl = `for ${p.ttl}`;
    const ports = p.ports;
    if (p.from !== undefined)
      return `ingress to ${p.namespace} on ${p.cluster} from ${p.from} via ${p.via ?? 'l4'} on ${ports} ${ttl}`;
    const targets = [
      ...(p.to === undefined ? [] : [p.to]),
      ...(p['to-cluster'] === undefined
        ? []
        : [`the load balancer of ${p['to-namespace']} on ${p['to-cluster']}`]),
    ];
    return `egress from ${p.namespace} on ${p.cluster} to ${targets.join(' and ')} on ${ports} ${ttl}`;
  },
  namespaceOf: (p) => p.namespace,
  toPolicyParams: (p) => {
    const common = {
      namespace: p.namespace,
      ports: portList(p.ports) ?? [],
      ttl_seconds: durationSeconds(p.ttl) ?? 0,
    };
    if (p.from !== undefined) {
      return { ...common, direction: 'ingress', via: p.via ?? 'l4', sources: cidrList(p.from) ?? [] };
    }
    const targetCluster = p['to-cluster'];
    const targetNamespace = p['to-namespace'];
    return {
      ...common,
      direction: 'egress',
      destinations: p.to === undefined ? [] : (cidrList(p.to) ?? []),
      target:
        targetCluster === undefined || targetNamespace === undefined
          ? null
          : { cluster: targetCluster, namespace: targetNamespace },
    };
  },
});

/** The direction of an ACL request, as the policy and the executor see it. */
export function aclDirection(p: { from?: string | undefined }): 'egress' | 'ingress' {
  return p.from === undefined ? 'egress' : 'ingress';
}

import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { listIssues } from './schema-errors.js';

export const clusterTypes = ['public', 'dedicated', 'stateful'] as const;
export type ClusterType = (typeof clusterTypes)[number];

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS label (lowercase letters, digits, dashes)');
const slackChannel = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The addresses of an IPv4 CIDR (already checked by `z.cidrv4`) as 32-bit numbers, first and last. */
function cidrBounds(cidr: string): { base: number; first: number; last: number } {
  const [address = '', prefix = ''] = cidr.split('/');
  const base = address.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(prefix));
  const first = base - (base % size);
  return { base, first, last: first + size - 1 };
}

/**
 * The NAT gateway's pools of fixed egress IPs: `egressPools` (a list of CIDRs) or, the older form, one
 * `egressPool`; read as `egressPools` either way. Each CIDR names its network address, and no two overlap.
 */
const natGatewaySchema = z
  .strictObject({
    egressPool: z.cidrv4().optional(),
    egressPools: z.array(z.cidrv4()).min(1, 'must list at least one CIDR').optional(),
  })
  .superRefine((gateway, ctx) => {
    if ((gateway.egressPool === undefined) === (gateway.egressPools === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'give the pools of egress IPs as either egressPools (a list of CIDRs) or egressPool, not both',
      });
      return;
    }
    const key = gateway.egressPools ? 'egressPools' : 'egressPool';
    const pools = gateway.egressPools ?? [gateway.egressPool ?? ''];
    // A CIDR that is none is reported as such already; what follows compares valid ones.
    if (!pools.every((pool) => z.cidrv4().safeParse(pool).success)) return;
    pools.forEach((pool, index) => {
      const path = gateway.egressPools ? [key, index] : [key];
      const { base, first, last } = cidrBounds(pool);
      if (base !== first) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `'${pool}' is not a network address: its network is ${ipv4Text(first)}/${pool.split('/')[1]}`,
        });
      }
      const overlapping = pools.slice(0, index).find((other) => {
        const o = cidrBounds(other);
        return o.first <= last && first <= o.last;
      });
      if (overlapping !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `'${pool}' overlaps '${overlapping}'` });
      }
    });
  })
  .transform((gateway) => ({ egressPools: gateway.egressPools ?? [gateway.egressPool ?? ''] }));

function ipv4Text(n: number): string {
  return [2 ** 24, 2 ** 16, 2 ** 8, 1].map((d) => Math.floor(n / d) % 256).join('.');
}

const clusterSchema = z.strictObject({
  name: dnsLabel,
  type: z.enum(clusterTypes),
  region: z.string().min(1),
  /** The kubeconfig context the workers use for this cluster. */
  kubeContext: z.string().min(1),
  /** Fixed egress IPs handed to namespaces, one namespace per IP, from one or more pools. */
  natGateway: natGatewaySchema,
  /** The fixed addresses all inbound traffic enters through. */
  elbGateway: z.strictObject({ l4Address: z.ipv4(), l7Address: z.ipv4() }),
  loki: z.strictObject({ url: httpUrl }).optional(),
  elasticsearch: z.strictObject({ url: httpUrl }).optional(),
  victorialogs: z.strictObject({ url: httpUrl }).optional(),
  /**
   * Which store serves each log source of `/n3r logs` (its URL is the entry of that name above); a source
   * with no store here is answered with a clear refusal. `auditIndex` is the index pattern searched for
   * audit logs (default `audit-*`).
   */
  logs: z
    .strictObject({
      access: z.enum(['loki', 'victorialogs']).optional(),
      audit: z.enum(['elasticsearch']).optional(),
      auditIndex: z.string().min(1).default('audit-*'),
    })
    .optional(),
  alertmanager: z.strictObject({ url: httpUrl }).optional(),
});

/**
 * Two regions whose clusters of one type carry the same apps, so that either region can serve alone
 * (`/n3r deploy --ha`). Every cluster of that type in either region belongs to the pair.
 */
const regionPairSchema = z.strictObject({
  name: dnsLabel,
  type: z.enum(clusterTypes),
  regions: z
    .tuple([z.string().min(1), z.string().min(1)], { error: 'must name exactly two regions' })
    .refine(([a, b]) => a !== b, 'must name two different regions'),
});

const groupName = z.string().regex(/^[a-z0-9][-a-z0-9]*$/, 'group names are lowercase with dashes');

/**
 * A team's on-call: the channel its alert threads go to and the platform group that is on call for it (the
 * policy lets that group silence, acknowledge and unsilence the team's alerts). The short form, a channel id
 * alone, declares no on-call group.
 */
const onCallTeamSchema = z.union([
  slackChannel.transform((channel) => ({ channel, group: undefined })),
  z.strictObject({ channel: slackChannel.optional(), group: groupName.optional() }),
]);

const registrySchema = z
  .strictObject({
    clusters: z.array(clusterSchema).min(1, 'must list at least one cluster'),
    /** Region pairs for high-availability deploys. @defaultValue none */
    regionPairs: z.array(regionPairSchema).default([]),
    /** Where approval prompts go, per cluster type. */
    approverChannels: z.strictObject({
      public: slackChannel,
      dedicated: slackChannel,
      stateful: slackChannel,
    }),
    onCall: z.strictObject({
      defaultChannel: slackChannel,
      /** Per team: its alert channel and its on-call group. @defaultValue none: every alert to the default */
      teams: z.record(dnsLabel, onCallTeamSchema).default({}),
    }),
    /**
     * Platform groups with a role of their own: `audit` reads every request's audit trail. @defaultValue none:
     * only a request's requester and approvers read its trail
     */
    roles: z.strictObject({ audit: groupName.optional() }).default({}),
    /** Platform groups (teams, approvers) and the Slack user group each one is read from. */
    groups: z.record(
      groupName,
      z.strictObject({ slackUsergroup: z.string().regex(/^S[A-Z0-9]+$/, 'must be a Slack user group id') }),
    ),
  })
  .superRefine((registry, ctx) => {
    const seen = new Set<string>();
    registry.clusters.forEach((cluster, index) => {
      if (seen.has(cluster.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clusters', index, 'name'],
          message: `duplicate cluster name '${cluster.name}'`,
        });
      }
      seen.add(cluster.name);
      for (const source of ['access', 'audit'] as const) {
        const store = cluster.logs?.[source];
        if (store !== undefined && cluster[store] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['clusters', index, 'logs', source],
            message: `the ${source} logs are served by '${store}', and the cluster has no '${store}' entry with its URL`,
          });
        }
      }
    });
    checkRegionPairs(registry, ctx);
    checkRoleGroups(registry, ctx);
  });

/** A group the registry gives a role must be one people can carry: one of `groups`. */
function checkRoleGroups(
  registry: Pick<z.output<typeof registrySchema>, 'onCall' | 'roles' | 'groups'>,
  ctx: z.RefinementCtx,
): void {
  const named: { path: (string | number)[]; group: string | undefined }[] = [
    { path: ['roles', 'audit'], group: registry.roles.audit },
    ...Object.entries(registry.onCall.teams).map(([team, entry]) => ({
      path: ['onCall', 'teams', team, 'group'],
      group: entry.group,
    })),
  ];
  for (const { path, group } of named) {
    if (group !== undefined && !Object.hasOwn(registry.groups, group)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `group '${group}' is not one of the registry's groups, so nobody could be in it`,
      });
    }
  }
}

type ParsedRegistry = Pick<z.output<typeof registrySchema>, 'clusters' | 'regionPairs'>;

/** A pair names regions that hold clusters of its type, and no cluster belongs to two pairs. */
function checkRegionPairs(registry: ParsedRegistry, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  const claimed = new Map<string, { name: string; index: number }>();
  registry.regionPairs.forEach((pair, index) => {
    if (names.has(pair.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['regionPairs', index, 'name'],
        message: `duplicate region pair name '${pair.name}'`,
      });
    }
    names.add(pair.name);
    pair.regions.forEach((region, r) => {
      const members = registry.clusters.filter((c) => c.type === pair.type && c.region === region);
      if (members.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['regionPairs', index, 'regions', r],
          message: `region '${region}' has no ${pair.type} cluster`,
        });
      }
      const key = `${pair.type}/${region}`;
      const other = claimed.get(key);
      if (other !== undefined && other.index !== index) {
        ctx.addIssue({
          code: 'custom',
          path: ['regionPairs', index, 'regions', r],
          message: `the ${pair.type} clusters of region '${region}' are already in region pair '${other.name}'`,
        });
      }
      if (other === undefined) claimed.set(key, { name: pair.name, index });
    });
  });
}

export type ClusterRegistry = z.output<typeof registrySchema>;
export type Cluster = ClusterRegistry['clusters'][number];

/** Parses registry YAML; every problem is reported at once in one ConfigError. */
export function parseClusterRegistry(text: string, source: string): ClusterRegistry {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((e) => e.message.split('\n')[0] ?? e.message);
    throw new ConfigError(formatProblems(source, problems));
  }
  const parsed = registrySchema.safeParse(document.toJS());
  if (!parsed.success) throw new ConfigError(formatProblems(source, listIssues(parsed.error)));
  return parsed.data;
}

export function loadClusterRegistry(path: string): ClusterRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cluster registry ${path} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseClusterRegistry(text, path);
}

export function findCluster(registry: ClusterRegistry, name: string): Cluster | undefined {
  return registry.clusters.find((cluster) => cluster.name === name);
}

/** The NAT egress pools of each cluster of the registry, by cluster name (none for an unknown cluster). */
export function egressPoolsOf(registry: ClusterRegistry): (cluster: string) => readonly string[] {
  return (cluster) => findCluster(registry, cluster)?.natGateway.egressPools ?? [];
}

export type RegionPair = ClusterRegistry['regionPairs'][number];

/** The platform group on call for a team, as the registry declares it; null when it declares none. */
export function onCallGroupOf(registry: ClusterRegistry, team: string): string | null {
  return (Object.hasOwn(registry.onCall.teams, team) && registry.onCall.teams[team]?.group) || null;
}

/** The region pair a cluster belongs to: the pair of its type that lists its region. */
export function regionPairOf(registry: ClusterRegistry, cluster: Cluster): RegionPair | undefined {
  return registry.regionPairs.find((p) => p.type === cluster.type && p.regions.includes(cluster.region));
}

/** Every cluster of a pair, in the pair's region order, then by name. */
export function regionPairClusters(registry: ClusterRegistry, pair: RegionPair): Cluster[] {
  return pair.regions.flatMap((region) =>
    registry.clusters
      .filter((c) => c.type === pair.type && c.region === region)
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
}

function formatProblems(source: string, problems: string[]): string {
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return [
    `cluster registry ${source} is invalid (${problems.length} ${noun}):`,
    ...problems.map((p) => `  - ${p}`),
  ].join('\n');
}

import type { PolicyInput } from '../../src/core/decision.js';

/** One namespace of the fleet inventory the bench bundle carries as `data.namespaces`. */
export interface NamespaceRecord {
  team: string;
  owner: string;
  cost_center: string;
  tier: 'gold' | 'silver' | 'bronze';
  clusters: string[];
  quota: { cpu_millicores: number; memory_bytes: number };
  labels: { purpose: string; env: string };
  created_at: string;
}

export interface ClusterRecord {
  type: 'public' | 'dedicated' | 'stateful';
  region: string;
}

export interface LabelledInput {
  label: string;
  input: PolicyInput;
}

const purposes = ['web', 'api', 'worker', 'batch', 'db', 'cache', 'ml', 'etl', 'gateway', 'search'];
const envs = ['prod', 'dev'];
const regions = ['kr1', 'kr2', 'jp1', 'us1', 'eu1'];
const tiers = ['gold', 'silver', 'bronze'] as const;
const gib = 1024 ** 3;

/** Deterministic PRNG (mulberry32), so every run evaluates the same inputs in the same order. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pool is used round robin: call i gets input i mod size. */
export function itemAt(pool: readonly LabelledInput[], i: number): LabelledInput {
  const item = pool[i % pool.length];
  if (!item) throw new Error('the input pool is empty');
  return item;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** 25 clusters: the inventory size platform-limits.md §2.1 asks benchmarks to carry. */
export function clusterInventory(): Record<string, ClusterRecord> {
  const types = ['public', 'dedicated', 'stateful'] as const;
  const out: Record<string, ClusterRecord> = {};
  for (let i = 0; i < 25; i++) {
    const region = regions[i % regions.length] ?? 'kr1';
    const type = types[i % types.length] ?? 'public';
    out[`${type.slice(0, 3)}-${region}-${String.fromCharCode(97 + Math.floor(i / 5))}`] = { type, region };
  }
  return out;
}

/** `count` namespaces, 20 per team (10 purposes × prod/dev), named `<team>-<purpose>-<env>`. */
export function namespaceInventory(count: number, seed = 1): Record<string, NamespaceRecord> {
  const random = prng(seed);
  const clusters = Object.keys(clusterInventory());
  const perTeam = purposes.length * envs.length;
  const width = String(Math.ceil(count / perTeam) - 1).length;
  const out: Record<string, NamespaceRecord> = {};
  for (let i = 0; i < count; i++) {
    const team = `team-${String(Math.floor(i / perTeam)).padStart(width, '0')}`;
    const purpose = purposes[i % purposes.length] ?? 'web';
    const env = envs[Math.floor(i / purposes.length) % envs.length] ?? 'prod';
    out[`${team}-${purpose}-${env}`] = {
      team,
      owner: `${team}-lead@example.com`,
      cost_center: `cc-${1000 + Math.floor(i / perTeam)}`,
      tier: pick(random, tiers),
      clusters: [pick(random, clusters), pick(random, clusters)],
      quota: {
        cpu_millicores: 1000 * (1 + Math.floor(random() * 16)),
        memory_bytes: gib * (2 + Math.floor(random() * 30)),
      },
      labels: { purpose, env },
      created_at: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    };
  }
  return out;
}

/**
 * The mix of request kinds the bot sends (policies/README.md). Kinds the bundle does not know yet are
 * denied as `policy.kind.none`: still a full evaluation, and they become real rules as policies land.
 */
const mix: readonly { label: string; weight: number; build: Builder }[] = [
  { label: 'namespace.create/allowed', weight: 3, build: namespaceCreateAllowed },
  { label: 'namespace.create/denied', weight: 2, build: namespaceCreateDenied },
  { label: 'acl.open', weight: 2, build: aclOpen },
  { label: 'app.deploy', weight: 2, build: appDeploy },
  { label: 'logs.query', weight: 2, build: logsQuery },
  { label: 'elasticsearch.provision', weight: 1, build: elasticsearchProvision },
  { label: 'alert.silence', weight: 1, build: alertSilence },
];

export const inputLabels: readonly string[] = mix.map((m) => m.label);
const totalWeight = mix.reduce((sum, m) => sum + m.weight, 0);

interface Target {
  name: string;
  record: NamespaceRecord;
  index: number;
  random: () => number;
}
type Builder = (target: Target) => {
  kind: string;
  params: Record<string, unknown>;
  context: Record<string, unknown>;
};

/**
 * `size` inputs drawn from the mix; input i targets namespace i mod N, so a pool at least as large as the
 * inventory names every namespace in `context.namespace`.
 */
export function inputPool(
  namespaces: Record<string, NamespaceRecord>,
  size: number,
  seed = 7,
): LabelledInput[] {
  const random = prng(seed);
  const names = Object.keys(namespaces);
  const clusters = Object.entries(clusterInventory()).filter(([, c]) => c.type === 'public');
  const pool: LabelledInput[] = [];
  for (let index = 0; index < size; index++) {
    const name = names[index % names.length];
    const record = name === undefined ? undefined : namespaces[name];
    if (name === undefined || record === undefined) throw new Error('the namespace inventory is empty');
    const entry = weighted(random() * totalWeight);
    const { kind, params, context } = entry.build({ name, record, index, random });
    const [clusterName, cluster] = pick(random, clusters);
    pool.push({
      label: entry.label,
      input: {
        request: {
          id: `r-bench-${index}`,
          kind,
          params,
          requester: requester(record.team, index, random),
        },
        cluster: { name: clusterName, type: cluster.type, region: cluster.region },
        approvals: random() < 0.2 ? [approval(index)] : [],
        context,
      },
    });
  }
  return pool;
}

function weighted(roll: number): (typeof mix)[number] {
  let rest = roll;
  for (const entry of mix) {
    rest -= entry.weight;
    if (rest < 0) return entry;
  }
  const last = mix.at(-1);
  if (!last) throw new Error('the input mix is empty');
  return last;
}

function requester(team: string, index: number, random: () => number): PolicyInput['request']['requester'] {
  const groups = random() < 0.3 ? [team, 'oncall'] : [team];
  return {
    slack_id: `U${(100_000 + index).toString(36).toUpperCase()}`,
    email: `user${index}@example.com`,
    groups,
  };
}

function approval(index: number): PolicyInput['approvals'][number] {
  return { slack_id: `UAPPROVER${index % 7}`, groups: ['n3r-approvers-public'], at: '2026-11-25T10:00:00Z' };
}

function namespaceContext(record: NamespaceRecord | null): Record<string, unknown> {
  return { namespace: { exists: record !== null, team: record?.team ?? null } };
}

function namespaceCreateAllowed({ record, index, random }: Target): ReturnType<Builder> {
  const name = `${record.team}-new-${index}`;
  return {
    kind: 'namespace.create',
    params: {
      name,
      team: record.team,
      cpu_millicores: 500 * (1 + Math.floor(random() * 16)),
      memory_bytes: gib * (1 + Math.floor(random() * 16)),
    },
    context: namespaceContext(null),
  };
}

/** Each variant breaks a different rule, so denials with one and with several reasons are both covered. */
function namespaceCreateDenied({ record, index }: Target): ReturnType<Builder> {
  const variants: Record<string, unknown>[] = [
    { name: `other-${index}`, team: record.team, cpu_millicores: 2000, memory_bytes: 4 * gib },
    { name: `kube-${index}`, team: record.team, cpu_millicores: 2000, memory_bytes: 4 * gib },
    {
      name: `${record.team}-big-${index}`,
      team: record.team,
      cpu_millicores: 64_000,
      memory_bytes: 256 * gib,
    },
    { name: 'default', team: 'team-foreign', cpu_millicores: 32_000, memory_bytes: 4 * gib },
  ];
  const params = variants[index % variants.length] ?? {};
  return { kind: 'namespace.create', params, context: namespaceContext(null) };
}

function aclOpen({ name, record, index, random }: Target): ReturnType<Builder> {
  const ports = [{ protocol: 'TCP', port: pick(random, [443, 5432, 6379, 9200]) }];
  const common = { namespace: name, ports, ttl_seconds: pick(random, [3600, 86_400, 604_800]) };
  const params =
    index % 2 === 0
      ? {
          ...common,
          direction: 'egress',
          destinations: [`10.${index % 250}.${(index >> 8) % 250}.0/24`],
          target: null,
        }
      : { ...common, direction: 'ingress', via: pick(random, ['l4', 'l7']), sources: ['192.168.10.0/24'] };
  return { kind: 'acl.open', params, context: namespaceContext(record) };
}

function appDeploy({ name, record, random }: Target): ReturnType<Builder> {
  const tag = `1.${Math.floor(random() * 40)}.${Math.floor(random() * 10)}`;
  const repository = `${record.team}/${record.labels.purpose}`;
  return {
    kind: 'app.deploy',
    params: {
      namespace: name,
      app: record.labels.purpose,
      image: {
        ref: `registry.n3r.example/${repository}:${tag}`,
        registry: 'registry.n3r.example',
        repository,
        tag,
        digest: null,
      },
      replicas: 1 + Math.floor(random() * 6),
      cpu_millicores: 250 * (1 + Math.floor(random() * 8)),
      memory_bytes: 256 * 1024 ** 2 * (1 + Math.floor(random() * 8)),
      route: random() < 0.5 ? { host: `${name}.apps.n3r.example`, public: random() < 0.3, tls: true } : null,
    },
    context: namespaceContext(record),
  };
}

function logsQuery({ name, record, random }: Target): ReturnType<Builder> {
  return {
    kind: 'logs.query',
    params: {
      namespace: name,
      source: pick(random, ['access', 'audit']),
      window_seconds: pick(random, [900, 3600, 86_400]),
      limit: pick(random, [100, 1000, 5000]),
      raw_query: random() < 0.2,
    },
    context: namespaceContext(record),
  };
}

function elasticsearchProvision({ name, record, index, random }: Target): ReturnType<Builder> {
  return {
    kind: 'elasticsearch.provision',
    params: {
      namespace: name,
      name: `es-${index}`,
      version: '8.15.3',
      nodes: pick(random, [1, 3, 5]),
      storage_bytes: gib * pick(random, [50, 200, 1000]),
      tier: pick(random, ['hot', 'warm', 'cold']),
      storage_class: 'ssd',
    },
    context: namespaceContext(record),
  };
}

function alertSilence({ record, random }: Target): ReturnType<Builder> {
  return {
    kind: 'alert.silence',
    params: {
      team: record.team,
      duration_seconds: pick(random, [1800, 7200, 86_400]),
      matchers: [
        { name: 'alertname', value: pick(random, ['HighLatency', 'PodCrashLooping', 'DiskFilling']) },
        { name: 'namespace', value: `${record.team}-${record.labels.purpose}-${record.labels.env}` },
      ],
    },
    context: {},
  };
}

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { localRegistryPath } from '../../devtools/local-paths.js';
import { SlackEmulator } from '../../devtools/slack-emulator/slack-emulator.js';
import { botEnv, spawnN3r, workerEnv } from '../../devtools/split-roles.js';
import { channels, localWorkspace, people } from '../../devtools/workspace/local-workspace.js';
import { loadClusterRegistry } from '../../src/config/cluster-registry.js';
import { loadSettings } from '../../src/config/settings.js';
import type { RequestRecord } from '../../src/core/request.js';
import { RawObjectApi } from '../../src/executors/kube-object-api.js';
import { createLogger } from '../../src/logger.js';
import { type RunningN3r, startN3r } from '../../src/start-n3r.js';
import { startTestAlertmanager, type TestAlertmanager } from '../support/alertmanager.js';
import { eventually, uniqueSuffix } from '../support/harness.js';

/** Requests per kind in the campaign: a few hundred in all, over every kind that changes something. */
const campaign = {
  'namespace.create': 70,
  'acl.open': 50,
  'app.deploy': 30,
  'elasticsearch.provision': 40,
  'alert.silence': 50,
} as const;
type CampaignKind = keyof typeof campaign;
const kills = 6;

interface Ask {
  kind: CampaignKind;
  /** What identifies the request's card: its object's name, or for a silence its alert name. */
  name: string;
  text: string;
  user: string;
}

/**
 * The worker runs as its own process and is killed with SIGKILL at random moments while a few hundred
 * requests of every kind are in flight, then started again. Every request must end done, every change be
 * applied once, and every request be told once: one card, one ✅.
 */
describe('the worker as its own process: killed, or stopped', () => {
  const stack = inject('stack');
  const emulator = new SlackEmulator(localWorkspace(), { rateLimit: false });
  const prefix = `t-${uniqueSuffix()}`;
  const dir = mkdtempSync(join(tmpdir(), 'n3r-crash-'));
  const registryPath = join(dir, 'registry.yaml');
  let bot: RunningN3r;
  let worker: ChildProcess | null = null;
  let redis: Redis;
  let am: TestAlertmanager;
  const env = () =>
    workerEnv({
      emulator,
      redisUrl: stack.redisUrl,
      prefix,
      registry: registryPath,
      policyDir: stack.policyDir,
      kubeconfig: stack.executorKubeconfig,
      settings: {
        N3R_JOB_LOCK_MS: '2000',
        N3R_CONCURRENCY_PER_CLUSTER: '8',
        N3R_KUBE_QPS: '500',
        N3R_KUBE_BURST: '500',
      },
    });
  const startWorker = () => {
    worker = spawnN3r(env());
  };

  beforeAll(async () => {
    am = await startTestAlertmanager();
    // The local registry, with this file's Alertmanager as the one of pub-local-a (silences go there).
    const registry = parse(readFileSync(localRegistryPath, 'utf8')) as {
      clusters: { name: string; alertmanager?: { url: string } }[];
    };
    for (const cluster of registry.clusters)
      if (cluster.name === 'pub-local-a') cluster.alertmanager = { url: am.url };
    writeFileSync(registryPath, stringify(registry));
    await emulator.start();
    redis = new Redis(stack.redisUrl);
    const settings = loadSettings(botEnv(env(), emulator));
    bot = await startN3r(
      settings,
      loadClusterRegistry(registryPath),
      createLogger({ level: 'silent', role: 'test' }),
    );
    await emulator.waitFor('the bot to connect', () => emulator.socketConnections > 0);
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    await bot.stop();
    await emulator.stop();
    await redis.quit();
    await am.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const allRecords = async () => {
    const keys = await redis.keys(`${prefix}:request:*`);
    return (await Promise.all(keys.map((k) => redis.hget(k, 'json')))).map(
      (j) => JSON.parse(j ?? '{}') as RequestRecord,
    );
  };
  const ask = (a: Pick<Ask, 'text' | 'user'>) =>
    emulator.slashCommand({ text: a.text, user: a.user, channel: channels.team });

  it(`killed with SIGKILL at random points while ${Object.values(campaign).reduce((a: number, b) => a + b, 0)} requests of every kind run: each done, applied once, told once`, {
    timeout: 300_000,
  }, async () => {
    const run = uniqueSuffix();
    startWorker();
    // The namespaces the other kinds work in, made by n3r before the campaign.
    const appNs = `team-a-cw${run}`;
    const dataNs = `team-data-cw${run}`;
    await ask({
      text: `ns create ${appNs} --cluster pub-local-a --team team-a --cpu 8 --memory 16Gi`,
      user: people.requester,
    });
    await ask({ text: `ns create ${dataNs} --cluster sta-local-a --team team-data`, user: people.requester });
    const homes = await eventually(
      'the namespaces of the campaign',
      async () => {
        const all = await allRecords();
        return all.length === 2 && all.every((r) => r.state === 'succeeded') ? all : null;
      },
      60_000,
    );
    const before = new Set(homes.map((r) => r.id));

    const asks: Ask[] = [];
    for (let i = 0; i < campaign['namespace.create']; i++) {
      const name = `team-a-c${run}-${i}`;
      asks.push({
        kind: 'namespace.create',
        name,
        text: `ns create ${name} --cluster pub-local-a --team team-a --cpu 1 --memory 1Gi`,
        user: people.requester,
      });
    }
    for (let i = 0; i < campaign['acl.open']; i++) {
      // Each ACL to an address of its own, so its card names it.
      const to = `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;
      asks.push({
        kind: 'acl.open',
        name: `${to}/32`,
        text: `acl open --cluster pub-local-a --namespace ${appNs} --to ${to}/32 --ports tcp/443 --ttl 24h`,
        user: people.requester,
      });
    }
    for (let i = 0; i < campaign['app.deploy']; i++) {
      const name = `web${run}-${i}`;
      asks.push({
        kind: 'app.deploy',
        name,
        text: `deploy ${name} --cluster pub-local-a --namespace ${appNs} --image ghcr.io/team-a/web:1.4.2 --replicas 1 --max-replicas 1 --cpu 100m --memory 128Mi`,
        user: people.requester,
      });
    }
    for (let i = 0; i < campaign['elasticsearch.provision']; i++) {
      const name = `logs${run}-${i}`;
      asks.push({
        kind: 'elasticsearch.provision',
        name,
        text: `es create ${name} --cluster sta-local-a --namespace ${dataNs} --version 8.15.3 --nodes 1 --storage 10Gi --tier hot`,
        user: people.requester,
      });
    }
    for (let i = 0; i < campaign['alert.silence']; i++) {
      const name = `Crash${run}x${i}`;
      asks.push({
        kind: 'alert.silence',
        name,
        text: `alert silence --cluster pub-local-a --team team-a --matchers alertname=${name},team=team-a --duration 2h --comment "crash campaign"`,
        user: people.teammate,
      });
    }
    // Kinds interleaved, so that each kill finds several kinds in flight.
    asks.sort(() => Math.random() - 0.5);

    const mine = async () => (await allRecords()).filter((r) => !before.has(r.id));
    const settled = async () =>
      (await mine()).filter((r) => ['succeeded', 'failed'].includes(r.state)).length;
    const submitting = (async () => {
      for (const a of asks) await ask(a);
    })();
    let killed = 0;
    for (let k = 0; k < kills; k++) {
      // Killed only once this process is at work (a slow start on a busy machine would otherwise see the
      // kill before its first job), at a random moment of that work.
      const done = await settled();
      if (done === asks.length) break;
      await eventually(
        'the restarted worker to settle a request',
        async () => (await settled()) > done,
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2000));
      const victim = worker as ChildProcess;
      victim.kill('SIGKILL');
      await once(victim, 'exit');
      killed++;
      startWorker();
    }
    await submitting;

    // Every accepted request settles; one that does not within the time is lost.
    const deadline = Date.now() + 180_000;
    let records = await mine();
    while (Date.now() < deadline) {
      records = await mine();
      if (records.length === asks.length && records.every((r) => ['succeeded', 'failed'].includes(r.state)))
        break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const kc = new KubeConfig();
    kc.loadFromFile(stack.adminKubeconfig);
    const admin = RawObjectApi.fromKubeConfig(kc);
    const silences = await am.silences();
    const figures = Object.fromEntries(
      Object.keys(campaign).map((k) => [k, { jobs: 0, lost: 0, failed: 0, doubled: 0, restarted: 0 }]),
    ) as Record<
      CampaignKind,
      { jobs: number; lost: number; failed: number; doubled: number; restarted: number }
    >;
    const problems: string[] = [];
    const egressIps = new Set<string>();

    for (const a of asks) {
      const figure = figures[a.kind];
      figure.jobs++;
      const card = emulator
        .channelMessages(channels.team)
        .filter((m) => m.text.startsWith(`${a.kind} `) && named(m.text, a.name));
      const id = /r-[a-z0-9]{10}/.exec(card[0]?.text ?? '')?.[0];
      const record = records.find((r) => r.id === id);
      if (!record || !['succeeded', 'failed'].includes(record.state)) {
        figure.lost++;
        problems.push(`lost: ${a.kind} ${a.name} (${record?.state ?? 'no record'})`);
        continue;
      }
      if (record.state === 'failed') {
        figure.failed++;
        problems.push(`failed: ${a.kind} ${a.name}: ${record.error}`);
      }
      const trail = await redis.xrange(`${prefix}:audit:${record.id}`, '-', '+');
      if (trail.filter(([, f]) => f[1] === 'started').length > 1) figure.restarted++;

      // Applied once: the object exists once, is the request's, and was written once.
      const doubles: string[] = [];
      if (record.state === 'succeeded')
        doubles.push(...(await appliedTwice(admin, a, record, silences, egressIps)));
      // Told once: one card, one ✅, no ❌.
      if (card.length !== 1) doubles.push(`${card.length} cards`);
      const replies = card[0] ? emulator.threadReplies(card[0].channel, card[0].ts).map((m) => m.text) : [];
      const ticks = replies.filter((t) => t.startsWith(':white_check_mark:')).length;
      if (record.state === 'succeeded' && ticks !== 1) doubles.push(`${ticks} ✅ replies`);
      if (doubles.length > 0) {
        figure.doubled++;
        problems.push(`doubled: ${a.kind} ${a.name} ${record.id}: ${doubles.join(', ')}`);
      }
    }
    const total = Object.values(figures).reduce(
      (sum, f) => ({ jobs: sum.jobs + f.jobs, lost: sum.lost + f.lost, doubled: sum.doubled + f.doubled }),
      { jobs: 0, lost: 0, doubled: 0 },
    );
    console.log(
      `kill -9 campaign: kills ${killed}, jobs ${total.jobs}, lost ${total.lost}, doubled ${total.doubled}; ${Object.entries(
        figures,
      )
        .map(
          ([kind, f]) =>
            `${kind}: jobs ${f.jobs}, lost ${f.lost}, failed ${f.failed}, doubled ${f.doubled}, run again ${f.restarted}`,
        )
        .join('; ')}`,
    );
    expect(problems).toEqual([]);
    expect(killed).toBe(kills);
    expect(egressIps.size).toBe(campaign['namespace.create']);
    // The kills did interrupt work: some requests were started more than once and still applied once.
    expect(Object.values(figures).reduce((n, f) => n + f.restarted, 0)).toBeGreaterThan(0);
  });

  it('on SIGTERM finishes the jobs in hand and exits cleanly: nothing stalls, nothing runs twice', {
    timeout: 120_000,
  }, async () => {
    const run = uniqueSuffix();
    const names = Array.from({ length: 30 }, (_, i) => `team-a-t${run}-${i}`);
    const before = new Set(await redis.keys(`${prefix}:request:*`));
    if (!worker || worker.exitCode !== null) startWorker();
    for (const name of names) {
      await emulator.slashCommand({
        text: `ns create ${name} --cluster pub-local-a --team team-a --cpu 1 --memory 1Gi`,
        user: people.requester,
        channel: channels.team,
      });
    }
    const stopping = worker as ChildProcess;
    stopping.kill('SIGTERM');
    const [code] = (await once(stopping, 'exit')) as [number | null];
    expect(code).toBe(0);
    startWorker();
    const records = await eventually(
      'the 30 requests to settle',
      async () => {
        const keys = (await redis.keys(`${prefix}:request:*`)).filter((k) => !before.has(k));
        const all = (await Promise.all(keys.map((k) => redis.hget(k, 'json')))).map(
          (j) => JSON.parse(j ?? '{}') as RequestRecord,
        );
        return all.length === names.length && all.every((r) => r.state === 'succeeded') ? all : null;
      },
      90_000,
    );
    for (const record of records) {
      const trail = await redis.xrange(`${prefix}:audit:${record.id}`, '-', '+');
      expect(trail.filter(([, f]) => f[1] === 'started')).toHaveLength(1);
    }
  });
});

/** Whether a card's text names `name` itself (not `name` as the start of a longer name: x1 is not x10). */
function named(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}(?![A-Za-z0-9-])`).test(text);
}

/** Why a succeeded request's change is not in place exactly once (empty when it is). */
async function appliedTwice(
  admin: RawObjectApi,
  a: Ask,
  record: RequestRecord,
  silences: Awaited<ReturnType<TestAlertmanager['silences']>>,
  egressIps: Set<string>,
): Promise<string[]> {
  const params = record.params as Record<string, string>;
  const ours = (o: { metadata?: { annotations?: Record<string, string> } } | null) =>
    o?.metadata?.annotations?.['n3r.io/request-id'] === record.id;
  const once = (o: { metadata?: { generation?: number } } | null, what: string) =>
    o?.metadata?.generation === 1 ? [] : [`${what} at generation ${o?.metadata?.generation}`];
  switch (a.kind) {
    case 'namespace.create': {
      const name = String(params.name);
      const ns = await admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      const quota = await admin.get({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'n3r-quota', namespace: name },
      });
      egressIps.add(ns?.metadata?.annotations?.['n3r.io/egress-ip'] ?? '');
      // Namespaces and quotas carry no generation: one manager, with one apply entry each.
      const applies = (o: typeof ns) =>
        (o?.metadata?.managedFields ?? []).filter((f) => f.manager === 'n3r').length;
      return [
        ...(ours(ns) ? [] : ['namespace not the request’s']),
        ...(ours(quota) ? [] : ['quota not the request’s']),
        ...(applies(ns) === 1 && applies(quota) === 1 ? [] : ['more than one n3r apply entry']),
      ];
    }
    case 'acl.open': {
      const list = (await admin.list('cilium.io/v2', 'CiliumNetworkPolicy', String(params.namespace))) as {
        items: { metadata?: { name?: string; generation?: number; annotations?: Record<string, string> } }[];
      };
      const mine = list.items.filter(ours);
      return mine.length === 1 ? once(mine[0] ?? null, 'policy') : [`${mine.length} policies`];
    }
    case 'app.deploy': {
      const deployment = await admin.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: String(params.app), namespace: String(params.namespace) },
      });
      return ours(deployment) ? once(deployment, 'deployment') : ['deployment not the request’s'];
    }
    case 'elasticsearch.provision': {
      const es = await admin.get({
        apiVersion: 'elasticsearch.k8s.elastic.co/v1',
        kind: 'Elasticsearch',
        metadata: { name: String(params.name), namespace: String(params.namespace) },
      });
      return ours(es) ? once(es, 'elasticsearch') : ['elasticsearch not the request’s'];
    }
    case 'alert.silence': {
      const mine = silences.filter((s) => s.createdBy.includes(`n3r request ${record.id}`));
      return mine.length === 1 ? [] : [`${mine.length} silences`];
    }
  }
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { type LocalPair, startLocalPair } from '../../scripts/local-stack/extra-clusters.js';
import { freePort, ProcessGroup } from '../../scripts/local-stack/processes.js';
import { projectRoot } from '../../scripts/local-stack/stack.js';
import { approvalPrompt } from '../../src/bot/views/approval-prompt.js';
import { newRequestId } from '../../src/core/request-id.js';
import type { ObjectRef } from '../../src/executors/kube-apply.js';
import { RawObjectApi } from '../../src/executors/kube-object-api.js';
import { BullmqJobQueue } from '../../src/jobs/bullmq-job-queue.js';
import { bullPrefix, clusterQueueName, targetJobId } from '../../src/jobs/queue-names.js';
import { appObjectRefs } from '../../src/kinds/app-deploy/app-manifests.js';
import { appDeploy } from '../../src/kinds/app-deploy/index.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { requestRecord } from '../support/builders.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

/** The public region pair of the local registry: pub-local-a is on the shared control plane, the rest are started here. */
const pair = ['pub-local-a', 'pub-local-b', 'pub-local2-a', 'pub-local2-b'] as const;

type Obj = {
  metadata?: {
    generation?: number;
    managedFields?: { manager?: string; operation?: string; time?: string }[];
  };
  status?: { availableReplicas?: number };
};

/**
 * `/n3r deploy --ha` on four real clusters: the shared apiserver and three more, each its own apiserver
 * (same etcd, own prefix) with its own controllers and fake node, so each rollout is real and separate.
 */
describe('deploy --ha across the clusters of a region pair', () => {
  const stack = inject('stack');
  const stateDir = mkdtempSync(join(tmpdir(), 'n3r-ha-'));
  const group = new ProcessGroup(stateDir);
  const admins = new Map<string, RawObjectApi>();
  let local: LocalPair;
  let kubeconfig = '';

  const adminFor = (path: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    return RawObjectApi.fromKubeConfig(kc);
  };
  const admin = (cluster: string) => {
    const api = admins.get(cluster);
    if (!api) throw new Error(`no admin client for ${cluster}`);
    return api;
  };

  beforeAll(async () => {
    const started = Date.now();
    local = await startLocalPair({
      group,
      binaries: stack.tools,
      etcdUrl: stack.etcdUrl,
      pkiDir: stack.pkiDir,
      server: stack.server,
      stateDir,
      crdDir: resolve(projectRoot, '../shared/crds'),
      rbacDir: join(projectRoot, 'deploy/rbac'),
    });
    const extras = local.clusters;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const rss = extras.flatMap((e) => e.processes).map((p) => [p.name, rssMiB(p.child.pid)] as const);
    const total = rss.reduce((sum, [, mib]) => sum + mib, 0);
    // Measured, not asserted: the cost of three more clusters, for the record of the run.
    console.info(
      `[ha] 3 extra clusters ready in ${seconds}s; RSS ${total} MiB: ${rss.map(([n, m]) => `${n} ${m}`).join(', ')}`,
    );
    admins.set('pub-local-a', adminFor(stack.adminKubeconfig));
    for (const extra of extras) admins.set(extra.name, adminFor(extra.adminKubeconfig));
    kubeconfig = local.executorKubeconfig('executor');
  }, 300_000);

  afterAll(async () => {
    await group.stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** A namespace of team-a on every cluster of the pair, as the platform's namespaces would be. */
  async function namespaceEverywhere(except: string[] = []): Promise<string> {
    const name = `team-a-ha-${uniqueSuffix()}`;
    for (const cluster of pair.filter((c) => !except.includes(c))) {
      await admin(cluster).apply(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'n3r.io/team': 'team-a' } } },
        { fieldManager: 'ha-test' },
      );
    }
    return name;
  }

  /** Per object of the app: its generation and when n3r last applied it; equal before and after means untouched. */
  async function appliedState(cluster: string, ns: string, app: string) {
    const { workload, exposure } = appObjectRefs(ns, app);
    return Promise.all(
      [...workload, ...exposure].map(async (ref: ObjectRef) => {
        const object = (await admin(cluster).get(ref)) as Obj | null;
        if (!object) return null;
        const applied = object.metadata?.managedFields?.filter(
          (f) => f.manager === 'n3r' && f.operation === 'Apply',
        );
        return `${ref.kind} g${object.metadata?.generation ?? '-'} ${applied?.map((f) => f.time).join(',')}`;
      }),
    );
  }

  describe('with every cluster reachable', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ mode: 'socket', env: { KUBECONFIG: kubeconfig } });
    });
    afterAll(async () => {
      await h.stop();
    });

    async function deploy(text: string, app: string, ns: string) {
      await h.emulator.slashCommand({ text, user: people.requester, channel: channels.team });
      const card = await h.emulator.waitFor('the card', () =>
        h.emulator
          .channelMessages(channels.team)
          .find((m) => m.text.startsWith('app.deploy ') && m.text.includes(ns) && m.text.includes(app)),
      );
      return card;
    }

    it('answers --ha on a cluster in no region pair with a clear message, and queues nothing', async () => {
      const ns = await namespaceEverywhere();
      const before = { jobs: await h.jobCount(), messages: h.emulator.channelMessages(channels.team).length };
      const asked = h.emulator.ephemerals.length;
      await h.emulator.slashCommand({
        text: `deploy web --cluster ded-local-a --namespace ${ns} --image ghcr.io/team-a/web:1.4.2 --ha`,
        user: people.requester,
        channel: channels.team,
      });
      const answer = await h.emulator.waitFor(
        'an ephemeral answer',
        () => h.emulator.ephemerals.slice(asked)[0],
      );
      expect(answer.user).toBe(people.requester);
      expect(answer.text).toContain(
        "ha: cluster 'ded-local-a' is in no region pair, so it cannot be deployed to both regions (pairs: pub-local: pub-local-a, pub-local-b, pub-local2-a, pub-local2-b)",
      );
      expect(await h.jobCount()).toBe(before.jobs);
      expect(h.emulator.channelMessages(channels.team)).toHaveLength(before.messages);
      const nothing = await admin('pub-local-a').get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns },
      });
      expect(nothing).toBeNull();
    });

    it('refuses --ha when the namespace is missing on one cluster of the pair, naming that cluster', async () => {
      const ns = await namespaceEverywhere(['pub-local2-b']);
      const jobs = await h.jobCount();
      const asked = h.emulator.ephemerals.length;
      await h.emulator.slashCommand({
        text: `deploy web --cluster pub-local-a --namespace ${ns} --image ghcr.io/team-a/web:1.4.2 --ha`,
        user: people.requester,
        channel: channels.team,
      });
      const answer = await h.emulator.waitFor('the denial', () => h.emulator.ephemerals.slice(asked)[0]);
      expect(answer.text).toContain(`namespace '${ns}' does not exist on cluster 'pub-local2-b'`);
      expect(answer.text).toContain('deploy.namespace.unknown');
      expect(await h.jobCount()).toBe(jobs);
    });

    it('deploys the app and its route to all four clusters, one job each, with progress per cluster', async () => {
      const ns = await namespaceEverywhere();
      const card = await deploy(
        `deploy web --cluster pub-local-a --namespace ${ns} --image ghcr.io/team-a/web:1.4.2 --host web-${ns}.apps.n3r.example --ha`,
        'web',
        ns,
      );
      const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
      const done = await h.emulator.waitFor(
        'the card to say done',
        () => {
          const now = h.emulator.message(card.channel, card.ts);
          return now && /Done|Failed/.test(now.text) ? now : undefined;
        },
        150_000,
      );
      expect(done.text).toContain('Done');
      const blocks = JSON.stringify(done.blocks);
      for (const cluster of pair) expect(blocks).toContain(`:white_check_mark: done · *${cluster}*`);

      for (const cluster of pair) {
        const deployment = (await admin(cluster).get({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns },
        })) as (Obj & { metadata: { annotations?: Record<string, string> } }) | null;
        expect(deployment?.status?.availableReplicas, cluster).toBe(2);
        expect(deployment?.metadata.annotations?.['n3r.io/request-id']).toBe(id);
        const route = await admin(cluster).get({
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'web', namespace: ns },
        });
        expect(route, cluster).not.toBeNull();
        // One job per cluster, on that cluster's queue.
        expect(await h.hasJob(cluster, targetJobId(id, cluster))).toBe(true);
      }

      const thread = h.emulator.threadReplies(card.channel, card.ts).map((m) => m.text);
      for (const cluster of pair) {
        expect(thread.some((t) => t.includes(`${cluster}: web: `) && t.includes('replicas available'))).toBe(
          true,
        );
        expect(
          thread.some((t) =>
            t.startsWith(
              `:white_check_mark: ${cluster}: web (ghcr.io/team-a/web:1.4.2) deployed to ${ns} on ${cluster}`,
            ),
          ),
        ).toBe(true);
      }
      const final = thread.find((t) => t.startsWith(':white_check_mark: done on all 4 clusters'));
      expect(final).toContain('pub-local-a, pub-local-b, pub-local2-a, pub-local2-b');

      // A second run of every cluster's job (a late duplicate, or a job run again after a crash) changes nothing.
      const before = await Promise.all(pair.map((c) => appliedState(c, ns, 'web')));
      const replies = thread.length;
      const trail = await h.redis.xlen(`${h.prefix}:audit:${id}`);
      const again = await Promise.all(
        pair.map(async (cluster) => {
          const queue = new Queue(clusterQueueName(cluster), {
            connection: h.redis,
            prefix: bullPrefix(h.prefix),
          });
          const job = await queue.add(
            'app.deploy',
            { v: 1, requestId: id, target: cluster },
            { jobId: `${targetJobId(id, cluster)}-again` },
          );
          await eventually(
            `the second run on ${cluster}`,
            async () => (await job.isCompleted()) || undefined,
          );
          const finished = await queue.getJob(job.id ?? '');
          await queue.close();
          return finished?.returnvalue;
        }),
      );
      expect(again).toEqual(pair.map(() => 'skipped'));
      // Nothing started again: no audit entry, no object touched, nothing said.
      expect(await h.redis.xlen(`${h.prefix}:audit:${id}`)).toBe(trail);
      expect(await Promise.all(pair.map((c) => appliedState(c, ns, 'web')))).toEqual(before);
      expect(h.emulator.threadReplies(card.channel, card.ts)).toHaveLength(replies);
      expect(h.emulator.message(card.channel, card.ts)?.text).toContain('Done');
    }, 200_000);
  });

  describe('waiting for approval', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ mode: 'socket', env: { KUBECONFIG: kubeconfig } });
    });
    afterAll(async () => {
      await h.stop();
    });

    it('shows approvers a dry run on every cluster of the pair, and creates nothing', async () => {
      // The local pair is public, where deploys need no approval; the record is stored as one that waits.
      const ns = await namespaceEverywhere(['pub-local2-b']);
      const given = {
        app: 'web',
        cluster: 'pub-local-a',
        namespace: ns,
        image: 'ghcr.io/team-a/web:1.4.2',
        host: `web-${ns}.apps.n3r.example`,
        ha: 'yes',
      };
      const params = appDeploy.params.parse(given);
      const targets = pair.map((name) => ({
        cluster: {
          name,
          type: 'public' as const,
          region: name.startsWith('pub-local2') ? 'local-2' : 'local',
        },
        state: 'queued' as const,
        result: null,
        error: null,
      }));
      const record = requestRecord({
        id: newRequestId(),
        kind: 'app.deploy',
        // Stored as given, as submitRequest stores it; the worker parses it again.
        params: given,
        description: appDeploy.describe(params),
        state: 'awaiting_approval',
        targets,
      });
      const store = new RedisRequestStore(h.redis, h.prefix);
      await store.create(record, { event: 'stored', actor: 'test' });
      const queue = new BullmqJobQueue(h.redis, h.prefix);
      await queue.enqueuePreview(record);
      const previewed = await eventually(
        'the dry run',
        async () => (await store.get(record.id))?.preview,
        60_000,
      );
      await queue.close();

      expect(previewed.summary).toBe(`on 4 clusters: ${pair.join(', ')}`);
      for (const cluster of ['pub-local-a', 'pub-local-b', 'pub-local2-a']) {
        const at = previewed.details.findIndex((d) => d.startsWith(`${cluster} (`));
        expect(previewed.details[at]).toContain(
          `web (ghcr.io/team-a/web:1.4.2) would be deployed to ${ns} on ${cluster}`,
        );
        expect(previewed.details[at + 2]).toBe(`• Deployment ${ns}/web (new)`);
      }
      // The namespace is missing on pub-local2-b: its dry run says so, and approvers see it.
      expect(previewed.details.find((d) => d.startsWith('pub-local2-b ('))).toContain('the dry run failed');
      const prompt = JSON.stringify(approvalPrompt({ ...record, preview: previewed }).blocks);
      for (const cluster of pair) expect(prompt).toContain(`${cluster} (`);
      for (const cluster of pair) {
        const created = await admin(cluster).get({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns },
        });
        expect(created, cluster).toBeNull();
      }
    });
  });

  describe('with one cluster unreachable', () => {
    let h: Harness;
    beforeAll(async () => {
      // The bot reads facts from every cluster; the worker finds pub-local2-b's apiserver gone (a closed port).
      const closed = `https://127.0.0.1:${await freePort()}`;
      h = await startHarness({ mode: 'socket', role: 'bot', env: { KUBECONFIG: kubeconfig } });
      await h.startWorker({ KUBECONFIG: local.executorKubeconfig('broken', { 'local-public2-b': closed }) });
    });
    afterAll(async () => {
      await h.stop();
    });

    it('finishes the others, retries that one, then reports it failed by name: the card says partly failed', async () => {
      const ns = await namespaceEverywhere();
      await h.emulator.slashCommand({
        text: `deploy api --cluster pub-local-a --namespace ${ns} --image ghcr.io/team-a/api:2.0.1 --ha`,
        user: people.requester,
        channel: channels.team,
      });
      const card = await h.emulator.waitFor('the card', () =>
        h.emulator
          .channelMessages(channels.team)
          .find((m) => m.text.startsWith('app.deploy ') && m.text.includes(ns)),
      );
      const replies = () => h.emulator.threadReplies(card.channel, card.ts).map((m) => m.text);
      const waiting = await h.emulator.waitFor(
        'a note that pub-local2-b is retried',
        () => replies().find((t) => t.startsWith(':hourglass: pub-local2-b:')),
        30_000,
      );
      expect(waiting).toContain('the cluster cannot be reached');
      expect(waiting).toContain('Trying again (attempt 2 of 5); the other clusters go on meanwhile');
      // The three reachable clusters are done while the fourth is still being retried.
      for (const cluster of ['pub-local-a', 'pub-local-b', 'pub-local2-a']) {
        await h.emulator.waitFor(
          `${cluster} done`,
          () => replies().find((t) => t.startsWith(`:white_check_mark: ${cluster}: api`)),
          90_000,
        );
      }
      expect(h.emulator.message(card.channel, card.ts)?.text).toContain('Running');

      const settled = await h.emulator.waitFor(
        'the card to settle',
        () => {
          const now = h.emulator.message(card.channel, card.ts);
          return now && /Done|Failed|failed/.test(now.text) ? now : undefined;
        },
        120_000,
      );
      expect(settled.text).toContain('Partly failed: done on 3 of 4 clusters');
      const blocks = JSON.stringify(settled.blocks);
      expect(blocks).toMatch(/:x: failed · \*pub-local2-b\* \(local-2\): [^"]*the cluster cannot be reached/);
      for (const cluster of ['pub-local-a', 'pub-local-b', 'pub-local2-a'])
        expect(blocks).toContain(`:white_check_mark: done · *${cluster}*`);
      expect(replies().filter((t) => t.startsWith(':hourglass: pub-local2-b:'))).toHaveLength(4);
      const report = await h.emulator.waitFor('the final report', () =>
        replies().find((t) => t.startsWith(':x: partly done')),
      );
      expect(replies().find((t) => t.startsWith(':x: pub-local2-b: '))).toContain(
        'the cluster cannot be reached',
      );
      expect(report).toContain(
        'done on 3 of 4 clusters (pub-local-a, pub-local-b, pub-local2-a); failed on pub-local2-b: ',
      );
      expect(report).toMatch(/• pub-local2-b \(local-2\): failed: .*the cluster cannot be reached/);

      for (const cluster of ['pub-local-a', 'pub-local-b', 'pub-local2-a']) {
        const deployment = (await admin(cluster).get({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace: ns },
        })) as Obj | null;
        expect(deployment?.status?.availableReplicas, cluster).toBe(2);
      }
      const missing = await admin('pub-local2-b').get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: ns },
      });
      expect(missing).toBeNull();
    }, 240_000);
  });
});

/** Resident memory of a process in MiB, from /proc (Linux). */
function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kib / 1024);
}

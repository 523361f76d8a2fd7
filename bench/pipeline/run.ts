// Pipeline benchmark (bench/README.md): N namespace.create requests end to end (Slack emulator → bot →
// policy → queue → worker → apiserver → card updated) against the same objects for N other namespaces
// applied directly with @kubernetes/client-node, in one run on one local stack.
// Flags: `--count <n>` (default 2000), `--concurrency <n>` (worker jobs and direct appliers, default 8),
// `--senders <n>` (parallel slash commands, default 8), `--check` (results to /tmp only, README untouched),
// `--render-only` (rewrite the README section from bench/results/pipeline.json),
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ApiCall, SlackEmulator } from '../../devtools/slack-emulator/slack-emulator.js';
import { botEnv, spawnN3r, workerEnv } from '../../devtools/split-roles.js';
import { channels, localWorkspace, people } from '../../devtools/workspace/local-workspace.js';
import { projectRoot, startLocalStack } from '../../scripts/local-stack/stack.js';
import { loadClusterRegistry } from '../../src/config/cluster-registry.js';
import { loadSettings } from '../../src/config/settings.js';
import { defaultExecutorOptions } from '../../src/executors/executor-deps.js';
import { RawObjectApi } from '../../src/executors/kube-object-api.js';
import { fieldManager } from '../../src/executors/managed-metadata.js';
import { PooledKubeConfig } from '../../src/executors/pooled-kube-config.js';
import { namespaceObjects } from '../../src/kinds/namespace-create/executor.js';
import { createLogger } from '../../src/logger.js';
import { startN3r } from '../../src/start-n3r.js';
import { directRecord } from './direct-record.js';
import {
  apiserverRequests,
  cpuMeter,
  difference,
  type LatencyMs,
  machineBusySeconds,
  pool,
  summariseMs,
  waitForQuietApiserver,
} from './probes.js';
import { type PipelineResults, renderReadme } from './report.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const check = process.argv.includes('--check');
const plan = {
  count: arg('--count', 2000),
  concurrency: arg('--concurrency', 8),
  senders: arg('--senders', 8),
  warmup: 16,
  kubeQps: 1000,
  kubeBurst: 1000,
};
const resultsFile = check
  ? join(tmpdir(), `n3r-bench-pipeline-${plan.count}.json`)
  : join(projectRoot, 'bench/results/pipeline.json');
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

if (process.argv.includes('--render-only')) {
  const results = JSON.parse(await readFile(resultsFile, 'utf8')) as PipelineResults;
  await renderReadme(projectRoot, results);
  progress('rendered bench/README.md');
} else {
  await main();
}

async function main(): Promise<void> {
  const started = Date.now();
  const run = Date.now().toString(36).slice(-5);
  const workDir = await mkdtemp(join(tmpdir(), 'n3r-bench-pipeline-'));
  const stack = await startLocalStack({ progress, logStores: false, alertmanager: false });
  const cp = stack.controlPlane;
  let worker: ChildProcess | null = null;
  const cleanUps: (() => Promise<unknown>)[] = [];
  const stopWorker = async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = once(worker, 'exit');
      worker.kill('SIGTERM');
      await exited;
    }
  };
  let stopping = false;
  const cleanUp = async () => {
    await stopWorker();
    for (const c of cleanUps.reverse()) await c().catch(() => undefined);
    await stack.stop();
    await rm(workDir, { recursive: true, force: true });
  };
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (!cp) throw new Error('the local stack started without its control plane');
    const policyDir = join(projectRoot, 'build/policies');
    // pub-local-a's /24 NAT pool holds 254 namespaces; a copy of the registry with a /20 (4,094) holds
    // the run. The addresses are only recorded, never dialled.
    const registryPath = join(workDir, 'registry.yaml');
    const registryText = await readFile(join(projectRoot, 'config/local/registry.yaml'), 'utf8');
    const widened = registryText.replace('egressPool: 203.0.113.0/24', 'egressPool: 10.240.0.0/20');
    if (widened === registryText) throw new Error('registry.yaml: the pub-local-a pool was not found');
    await writeFile(registryPath, widened);

    // The same client the workers use (one connection pool per cluster), so both phases pay alike.
    const kc = new PooledKubeConfig();
    kc.loadFromFile(cp.adminKubeconfig);
    const admin = RawObjectApi.fromKubeConfig(kc);
    const stackPids = stack.pids;
    const metrics = () => apiserverRequests(cp.server, cp.pkiDir);

    // ------------------------------------------------------------ phase A: direct server-side apply
    const direct = async (names: string[]) => {
      const latencies: number[] = [];
      const t0 = performance.now();
      await pool(names.length, plan.concurrency, async (i) => {
        const name = names[i] as string;
        const record = directRecord(`r-bd${run}${String(i).padStart(5, '0')}`.slice(0, 12), name);
        const objects = namespaceObjects(
          record,
          {
            name,
            team: 'team-a',
            cpu: { text: '1', millicores: 1000 },
            memory: { text: '1Gi', bytes: 2 ** 30 },
          },
          { ip: `10.250.${Math.floor(i / 250)}.${(i % 250) + 1}`, options: defaultExecutorOptions },
        );
        const s = performance.now();
        // In order, as the executor applies them: the namespace first, then what lives in it.
        for (const object of objects) await admin.apply(object, { fieldManager });
        latencies.push(performance.now() - s);
      });
      return { wallMs: performance.now() - t0, latencies };
    };
    const directNames = Array.from({ length: plan.count }, (_, i) => `team-a-bd${run}-${i}`);
    progress(
      `phase A (direct): warm-up ${plan.warmup}, then ${plan.count} namespaces, ${plan.concurrency} at a time`,
    );
    await direct(Array.from({ length: plan.warmup }, (_, i) => `team-a-bdw${run}-${i}`));
    const settledBeforeA = await waitForQuietApiserver(metrics);
    const directPids = { ...stackPids, 'bench (bot + emulator + driver)': process.pid };
    const directCpu = await cpuMeter(directPids);
    const directMetrics = await metrics();
    const directBusy = await machineBusySeconds();
    const directRun = await direct(directNames);
    const directBusyUsed = (await machineBusySeconds()) - directBusy;
    const directApi = difference(await metrics(), directMetrics);
    const directCpuUsed = await directCpu();
    const directCreated = await countNamespaces(admin, `team-a-bd${run}-`);
    progress(
      `phase A: ${(directRun.wallMs / 1000).toFixed(1)} s, ${directCreated}/${plan.count} namespaces exist`,
    );

    // The controllers' work for phase A's namespaces must not run during phase B.
    const settledAfterA = await waitForQuietApiserver(metrics);
    progress(`controllers quiet ${settledAfterA} s after phase A`);

    // ------------------------------------------------------------ phase B: the pipeline
    const emulator = new SlackEmulator(localWorkspace(), { rateLimit: false });
    await emulator.start();
    cleanUps.push(() => emulator.stop());
    const prefix = `bench-${run}`;
    const env = workerEnv({
      emulator,
      redisUrl: stack.redisUrl,
      prefix,
      registry: registryPath,
      policyDir,
      kubeconfig: cp.executorKubeconfig,
      settings: {
        N3R_CONCURRENCY_PER_CLUSTER: String(plan.concurrency),
        N3R_KUBE_QPS: String(plan.kubeQps),
        N3R_KUBE_BURST: String(plan.kubeBurst),
      },
    });
    const log = createLogger({ level: 'silent', role: 'bench' });
    const bot = await startN3r(loadSettings(botEnv(env, emulator)), loadClusterRegistry(registryPath), log);
    cleanUps.push(() => bot.stop());
    await emulator.waitFor('the bot to connect', () => emulator.socketConnections > 0);
    const workerProcess = spawnN3r(env);
    worker = workerProcess;

    // The card's versions arrive as chat.postMessage / chat.update calls: each is timestamped as the
    // emulator receives it.
    const cardDone = new Map<string, number>();
    const cardPosted = new Map<string, number>();
    const cardRunning = new Map<string, number>();
    const cardFailed = new Map<string, string>();
    const cardVersions = new Map<string, number>();
    const calls = emulator.calls;
    const push = calls.push.bind(calls);
    calls.push = (...items: ApiCall[]) => {
      const now = performance.now();
      for (const call of items) {
        const isCard =
          call.method === 'chat.update' || (call.method === 'chat.postMessage' && !call.args.thread_ts);
        if (!isCard) continue;
        const text = String(call.args.text ?? '');
        const name = /namespace (team-a-\S+) on /.exec(text)?.[1];
        if (!name) continue;
        cardVersions.set(name, (cardVersions.get(name) ?? 0) + 1);
        if (call.method === 'chat.postMessage' && !cardPosted.has(name)) cardPosted.set(name, now);
        if (text.endsWith(':gear: Running') && !cardRunning.has(name)) cardRunning.set(name, now);
        if (text.endsWith(':white_check_mark: Done') && !cardDone.has(name)) cardDone.set(name, now);
        if (text.endsWith(':x: Failed') || text.endsWith(':no_entry: Rejected')) cardFailed.set(name, text);
      }
      return push(...items);
    };

    const pipeline = async (names: string[]) => {
      const sentAt = new Map<string, number>();
      const ackMs: number[] = [];
      const firstCall = calls.length;
      const t0 = performance.now();
      const sending = pool(names.length, plan.senders, async (i) => {
        const name = names[i] as string;
        const s = performance.now();
        sentAt.set(name, s);
        const delivery = await emulator.slashCommand({
          text: `ns create ${name} --cluster pub-local-a --team team-a --cpu 1 --memory 1Gi`,
          user: people.requester,
          channel: channels.team,
        });
        ackMs.push(performance.now() - s);
        if (delivery.status !== 200) cardFailed.set(name, `command not acked: ${delivery.status}`);
      });
      const timeoutMs = Math.max(120_000, names.length * 250);
      await sending;
      const sentMs = performance.now() - t0;
      await emulator.waitFor(
        `${names.length} cards to say Done`,
        () => names.every((n) => cardDone.has(n) || cardFailed.has(n)),
        timeoutMs,
      );
      const wallMs = Math.max(...names.map((n) => cardDone.get(n) ?? 0)) - t0;
      // Thread replies follow the final card version: wait until the bot and worker go quiet.
      let seen = -1;
      while (seen !== calls.length) {
        seen = calls.length;
        await new Promise((r) => setTimeout(r, 1500));
      }
      const mine = calls.slice(firstCall);
      const byMethod: Record<string, number> = {};
      for (const call of mine) byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
      const span = (from: Map<string, number>, to: Map<string, number>) =>
        names.flatMap((n) => {
          const a = from.get(n);
          const b = to.get(n);
          return a !== undefined && b !== undefined ? [b - a] : [];
        });
      const latencies = span(sentAt, cardDone);
      const phases = {
        commandToCardPosted: summariseMs(span(sentAt, cardPosted)),
        cardPostedToRunning: summariseMs(span(cardPosted, cardRunning)),
        runningToDone: summariseMs(span(cardRunning, cardDone)),
      };
      return {
        wallMs,
        sentMs,
        latencies,
        phases,
        ackMs,
        byMethod,
        failedCalls: mine.filter((c) => c.status !== 200 || c.response.ok !== true).length,
        totalCalls: mine.length,
      };
    };

    progress(`phase B (pipeline): warm-up ${plan.warmup} requests (the worker starts meanwhile)`);
    await pipeline(Array.from({ length: plan.warmup }, (_, i) => `team-a-bpw${run}-${i}`));
    const workerPid = workerProcess.pid;
    const pipelinePids = {
      ...stackPids,
      'worker process': workerPid,
      'bench (bot + emulator + driver)': process.pid,
    };
    const settledBeforeB = await waitForQuietApiserver(metrics);
    const pipelineNames = Array.from({ length: plan.count }, (_, i) => `team-a-bp${run}-${i}`);
    progress(`phase B: ${plan.count} slash commands, ${plan.senders} senders`);
    const pipeCpu = await cpuMeter(pipelinePids);
    const pipeMetrics = await metrics();
    const pipeBusy = await machineBusySeconds();
    const pipeRun = await pipeline(pipelineNames);
    const pipeBusyUsed = (await machineBusySeconds()) - pipeBusy;
    const pipeApi = difference(await metrics(), pipeMetrics);
    const pipeCpuUsed = await pipeCpu();
    const pipeCreated = await countNamespaces(admin, `team-a-bp${run}-`);
    const failed = pipelineNames.filter((n) => cardFailed.has(n)).map((n) => `${n}: ${cardFailed.get(n)}`);
    const versions = pipelineNames.map((n) => cardVersions.get(n) ?? 0);
    progress(
      `phase B: ${(pipeRun.wallMs / 1000).toFixed(1)} s, ${pipeCreated}/${plan.count} namespaces exist, ${failed.length} failed`,
    );

    const perRequest = (total: number) => Math.round((total / plan.count) * 100) / 100;
    const directLatency: LatencyMs = summariseMs(directRun.latencies);
    const pipeLatency: LatencyMs = summariseMs(pipeRun.latencies);
    const apiPer = (api: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(api)
          .sort(([, a], [, b]) => b - a)
          .map(([k, v]) => [k, perRequest(v)]),
      );
    const results: PipelineResults = {
      schema: 1,
      check,
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: {
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        cpus: cpus().length,
        node: process.version,
        loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
        commit: await gitCommit(),
      },
      plan,
      settleSeconds: {
        beforeDirect: settledBeforeA,
        afterDirect: settledAfterA,
        beforePipeline: settledBeforeB,
      },
      direct: {
        namespaces: plan.count,
        created: directCreated,
        objectsPerNamespace: 6,
        wallSeconds: Math.round(directRun.wallMs) / 1000,
        namespacesPerSecond: Math.round((plan.count / directRun.wallMs) * 1000 * 10) / 10,
        latency: directLatency,
        apiserverRequestsPerNamespace: apiPer(directApi),
        cpuSeconds: directCpuUsed,
        machineBusySeconds: Math.round(directBusyUsed * 100) / 100,
      },
      pipeline: {
        requests: plan.count,
        created: pipeCreated,
        failed,
        wallSeconds: Math.round(pipeRun.wallMs) / 1000,
        commandsSentSeconds: Math.round(pipeRun.sentMs) / 1000,
        requestsPerSecond: Math.round((plan.count / pipeRun.wallMs) * 1000 * 10) / 10,
        latency: pipeLatency,
        latencySplit: pipeRun.phases,
        commandAck: summariseMs(pipeRun.ackMs),
        slackCallsPerRequest: perRequest(pipeRun.totalCalls),
        slackCallsPerRequestByMethod: Object.fromEntries(
          Object.entries(pipeRun.byMethod).map(([k, v]) => [k, perRequest(v)]),
        ),
        slackCallsNotOk: pipeRun.failedCalls,
        cardVersions: { min: Math.min(...versions), max: Math.max(...versions) },
        apiserverRequestsPerNamespace: apiPer(pipeApi),
        cpuSeconds: pipeCpuUsed,
        machineBusySeconds: Math.round(pipeBusyUsed * 100) / 100,
      },
      ratio: Math.round((pipeRun.wallMs / directRun.wallMs) * 100) / 100,
      target: 2,
    };
    await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    if (!check) await renderReadme(projectRoot, results);
    progress(
      `ratio ${results.ratio}× (direct ${results.direct.wallSeconds} s, pipeline ${results.pipeline.wallSeconds} s); wrote ${resultsFile}`,
    );
  } finally {
    await cleanUp();
  }
}

async function countNamespaces(api: RawObjectApi, prefix: string): Promise<number> {
  const list = await api.list('v1', 'Namespace');
  return list.items.filter((ns) => ns.metadata?.name?.startsWith(prefix)).length;
}

async function gitCommit(): Promise<string> {
  const child = spawn('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: projectRoot });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await once(child, 'exit');
  return out.trim();
}

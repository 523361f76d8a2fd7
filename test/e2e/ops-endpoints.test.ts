import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import type { RequestRecord } from '../../src/core/request.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { type Sample, sampleSum, scrape } from '../support/prometheus-text.js';
import { apiserverRelay } from '../support/tcp-relay.js';

async function readyz(
  port: number,
): Promise<{ status: number; body: { status: string; reasons?: string[] } }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; reasons?: string[] } };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('metrics and readiness of a running n3r', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  async function recordOf(requestId: string): Promise<RequestRecord> {
    return JSON.parse((await h.redis.hget(`${h.prefix}:request:${requestId}`, 'json')) ?? 'null');
  }

  it('moves the request, job, Slack, Kubernetes and policy series with a request from Slack to the cluster', async () => {
    const before = await scrape(h.n3r.opsPort);
    const name = `team-a-met-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card to say done', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name) && m.text.includes('Done')),
    );
    const requestId = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    // Denied: mallory is in no team.
    await h.emulator.slashCommand({
      text: `ns create team-a-no-${uniqueSuffix()} --cluster pub-local-a --team team-a`,
      user: people.outsider,
      channel: channels.team,
    });
    await h.emulator.waitFor('the denial', () => h.emulator.ephemeralsFor(people.outsider).length > 0);
    const after = await eventually('the job series', async () => {
      const samples = await scrape(h.n3r.opsPort);
      const jobs = { kind: 'namespace.create', cluster: 'pub-local-a', outcome: 'succeeded' };
      return delta(before, samples, 'n3r_job_duration_seconds_count', jobs) === 1 ? samples : null;
    });

    const moved = (name: string, labels: Record<string, string>) => delta(before, after, name, labels);
    expect(moved('n3r_requests_total', { kind: 'namespace.create', decision: 'allowed' })).toBe(1);
    expect(moved('n3r_requests_total', { kind: 'namespace.create', decision: 'denied' })).toBe(1);
    expect(moved('n3r_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBeGreaterThan(
      0,
    );
    expect(moved('n3r_slack_api_calls_total', { method: 'chat.update', outcome: 'ok' })).toBeGreaterThan(0);
    expect(moved('n3r_slack_api_calls_total', { method: 'chat.postEphemeral', outcome: 'ok' })).toBe(1);
    // Submit, and the worker's re-decision before it runs; the denied ask is evaluated too.
    expect(moved('n3r_policy_evaluation_seconds_count', { cluster_type: 'public' })).toBe(3);
    // The namespace did not exist when the policy's facts were read: a 404 from the apiserver.
    expect(moved('n3r_kube_api_errors_total', { cluster: 'pub-local-a', status: '404' })).toBeGreaterThan(0);
    expect(
      sampleSum(after, 'n3r_queue_jobs', { cluster: 'pub-local-a', state: 'completed' }),
    ).toBeGreaterThan(0);
    for (const cluster of ['pub-local-a', 'ded-local-a']) {
      expect(after.some((s) => s.name === 'n3r_queue_jobs' && s.labels.cluster === cluster)).toBe(true);
    }

    const revision = (await recordOf(requestId)).decision.revision;
    expect(
      after.filter((s) => s.name === 'n3r_policy_bundle_info' && s.labels.cluster_type === 'public'),
    ).toEqual([{ name: 'n3r_policy_bundle_info', labels: { cluster_type: 'public', revision }, value: 1 }]);
    expect(after.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(after.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('observes how long a request waited for its approvals', async () => {
    const before = await scrape(h.n3r.opsPort);
    const name = `team-a-wait-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster ded-local-a --team team-a --cpu 32`,
      user: people.requester,
      channel: channels.team,
    });
    const prompt = await h.emulator.waitFor('the approval prompt', () =>
      h.emulator.channelMessages(channels.approvals).find((m) => m.text.includes(name)),
    );
    for (const approver of [people.approver, people.secondApprover]) {
      await h.emulator.clickButton({
        user: approver,
        channel: prompt.channel,
        ts: prompt.ts,
        actionId: 'n3r_approve',
      });
    }
    await h.emulator.waitFor('the card to say done', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name) && m.text.includes('Done')),
    );
    const preview = { kind: 'request.preview', cluster: 'ded-local-a', outcome: 'succeeded' };
    const job = { kind: 'namespace.create', cluster: 'ded-local-a', outcome: 'succeeded' };
    const after = await eventually('the dry run and the job counted', async () => {
      const samples = await scrape(h.n3r.opsPort);
      const counted = (labels: Record<string, string>) =>
        delta(before, samples, 'n3r_job_duration_seconds_count', labels) === 1;
      return counted(preview) && counted(job) ? samples : null;
    });
    expect(
      delta(before, after, 'n3r_requests_total', { kind: 'namespace.create', decision: 'approval_required' }),
    ).toBe(1);
    expect(
      delta(before, after, 'n3r_approval_wait_seconds_count', {
        kind: 'namespace.create',
        outcome: 'approved',
      }),
    ).toBe(1);
  });

  it('is live and ready with Redis, every bundle and the registry loaded', async () => {
    expect(await readyz(h.n3r.opsPort)).toEqual({ status: 200, body: { status: 'ready' } });
    const health = await fetch(`http://127.0.0.1:${h.n3r.opsPort}/healthz`);
    expect(health.status).toBe(200);
  });

  it('is not ready while Redis does not answer, and ready again when it does', async () => {
    const redisUrl = new URL(inject('stack').redisUrl);
    const port = await freePort();
    const relay = apiserverRelay(redisUrl, port);
    await relay.up();
    try {
      const worker = await h.startWorker({ REDIS_URL: `redis://127.0.0.1:${port}` });
      await eventually('ready through the relay', async () => (await readyz(worker.opsPort)).status === 200);
      await relay.down();
      const down = await eventually('not ready', async () => {
        const answer = await readyz(worker.opsPort);
        return answer.status === 503 ? answer : null;
      });
      expect(down.body.status).toBe('not ready');
      expect(down.body.reasons?.join('\n')).toMatch(/^redis: /m);
      // Liveness is apart: a process waiting for Redis must not be restarted for it.
      expect((await fetch(`http://127.0.0.1:${worker.opsPort}/healthz`)).status).toBe(200);
      await relay.up();
      await eventually('ready again', async () => (await readyz(worker.opsPort)).status === 200, 20_000);
      await worker.stop();
    } finally {
      await relay.down();
    }
  });

  it('is not ready while a cluster type has no policy bundle, and ready once one appears', async () => {
    const source = inject('stack').policyDir;
    const dir = mkdtempSync(join(tmpdir(), 'n3r-bundles-'));
    const copyType = (type: string) => {
      mkdirSync(join(dir, type), { recursive: true });
      // The manifest last: the reloader takes a new manifest revision to mean a complete bundle.
      for (const file of ['policy.wasm', 'data.json', '.manifest'])
        copyFileSync(join(source, type, file), join(dir, type, file));
    };
    try {
      copyType('public');
      copyType('dedicated');
      const worker = await h.startWorker({ N3R_POLICY_DIR: dir, N3R_BUNDLE_POLL_MS: '200' });
      const answer = await readyz(worker.opsPort);
      expect(answer.status).toBe(503);
      expect(answer.body.reasons).toEqual(['policy: no bundle loaded for cluster type stateful']);
      const types = (await scrape(worker.opsPort))
        .filter((s) => s.name === 'n3r_policy_bundle_info')
        .map((s) => s.labels.cluster_type)
        .sort();
      expect(types).toEqual(['dedicated', 'public']);
      copyType('stateful');
      await eventually(
        'ready with the stateful bundle',
        async () => (await readyz(worker.opsPort)).status === 200,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shutdown of a worker with a job in hand', () => {
  let h: Harness;
  beforeAll(async () => {
    // Only the bot here: the one worker is the slow one below, so the job is surely in its hands.
    h = await startHarness({ role: 'bot' });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers not ready from the moment shutdown begins, finishes the job, then closes the ops endpoint', async () => {
    // Two apiserver requests a second: the job takes a few seconds, long enough to stop the worker mid-job.
    const worker = await h.startWorker({ N3R_KUBE_QPS: '2', N3R_KUBE_BURST: '1' });
    await eventually('ready', async () => (await readyz(worker.opsPort)).status === 200);
    const name = `team-a-stop-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    await h.emulator.waitFor('the job to start', () =>
      h.emulator
        .channelMessages(channels.team)
        .find((m) => m.text.includes(name) && m.text.includes('Running')),
    );
    const seen: string[] = [];
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    while (!stopped) {
      const answer = await readyz(worker.opsPort).catch(() => null);
      if (!answer) break;
      seen.push(`${answer.status} ${answer.body.reasons?.join(',') ?? ''}`.trim());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stopping;
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set(['503 shutting down']));
    // The job in hand was finished before the process let go.
    expect(
      h.emulator.channelMessages(channels.team).some((m) => m.text.includes(name) && m.text.includes('Done')),
    ).toBe(true);
    await expect(readyz(worker.opsPort)).rejects.toThrow();
  });
});

function delta(before: Sample[], after: Sample[], name: string, labels: Record<string, string>): number {
  return sampleSum(after, name, labels) - sampleSum(before, name, labels);
}

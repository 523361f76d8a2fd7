import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { freePort } from '../../scripts/local-stack/processes.js';
import { bullPrefix } from '../../src/jobs/queue-names.js';
import { AclRecords } from '../../src/kinds/acl-open/acl-records.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { sampleSum, scrape } from '../support/prometheus-text.js';
import { apiserverRelay } from '../support/tcp-relay.js';

/**
 * Access that always ends: every ACL past its expiry is revoked by the grant sweeper, from the records in
 * Redis, whatever became of the delayed job meant to revoke it; one it cannot revoke shows in a metric.
 */
describe('the grant sweeper', () => {
  let h: Harness;
  let timers: Queue;
  let records: AclRecords;
  const kubeconfig = join(tmpdir(), `n3r-sweeper-${uniqueSuffix()}.kubeconfig`);

  beforeAll(async () => {
    // Only the bot here: each test starts the worker it needs, and stops it.
    h = await startHarness({ mode: 'socket', role: 'bot' });
    timers = new Queue('timers', { connection: h.redis, prefix: bullPrefix(h.prefix) });
    records = new AclRecords(h.redis, h.prefix);
  });
  afterAll(async () => {
    await timers.close();
    await h.stop();
    rmSync(kubeconfig, { force: true });
  });

  /** Sends a command and waits for its card (kind and a unique name) to settle as done. */
  async function done(text: string, kind: string, name: string) {
    await h.emulator.slashCommand({ text, user: people.requester, channel: channels.team });
    const card = await h.emulator.waitFor(
      `the card of '${text}' to settle`,
      () =>
        h.emulator
          .channelMessages(channels.team)
          .find(
            (m) =>
              m.text.startsWith(`${kind} `) && m.text.includes(name) && /Done|Failed|Waiting/.test(m.text),
          ),
      60_000,
    );
    expect(card.text).toContain('Done');
    return card;
  }

  /** An ACL opened from Slack for two hours, in a namespace of its own. */
  async function openAcl(): Promise<{ id: string; ns: string; card: { channel: string; ts: string } }> {
    const ns = `team-a-sw-${uniqueSuffix()}`;
    await done(`ns create ${ns} --cluster pub-local-a --team team-a`, 'namespace.create', ns);
    const card = await done(
      `acl open --cluster pub-local-a --namespace ${ns} --to 198.51.100.9 --ports tcp/443 --ttl 2h`,
      'acl.open',
      ns,
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    expect(await policies(ns)).toHaveLength(1);
    return { id, ns, card };
  }

  async function policies(ns: string): Promise<unknown[]> {
    return ((await h.admin.list('cilium.io/v2', 'CiliumNetworkPolicy', ns)) as { items: unknown[] }).items;
  }

  /** The two hours have passed: the central record's expiry moves an hour into the past. */
  async function expire(id: string): Promise<void> {
    const acl = await records.get(id);
    if (!acl) throw new Error(`no ACL record for ${id}`);
    const past = Date.now() - 3600_000;
    await h.redis.set(
      `${h.prefix}:acl:${id}`,
      JSON.stringify({ ...acl, expiresAt: new Date(past).toISOString() }),
    );
    await h.redis.zadd(records.expiryKey, past, id);
  }

  /** The delayed revocation job is lost (a Redis failover, an operator's cleanup). */
  async function loseRevocationJob(id: string): Promise<void> {
    const job = await eventually('the revocation timer', () => timers.getJob(`revoke-${id}`));
    await job.remove();
  }

  async function auditEvents(id: string): Promise<string[]> {
    return (await h.redis.xrange(`${h.prefix}:audit:${id}`, '-', '+')).map(([, f]) => String(f[1]));
  }

  async function revokedInThread(card: { channel: string; ts: string }) {
    return h.emulator.waitFor(
      'the revocation in the thread',
      () => h.emulator.threadReplies(card.channel, card.ts).find((m) => m.text.startsWith(':lock:')),
      30_000,
    );
  }

  it('revokes at start-up an ACL whose revocation job was lost while no worker ran', {
    timeout: 120_000,
  }, async () => {
    const first = await h.startWorker({});
    const { id, ns, card } = await openAcl();
    await first.stop();
    await loseRevocationJob(id);
    await expire(id);

    // Sweeps a minute apart (the default): the one at start-up finds it.
    const second = await h.startWorker({});
    try {
      const reply = await revokedInThread(card);
      expect(reply.text).toContain(`ACL ${id} in ${ns} on pub-local-a revoked`);
      expect(await policies(ns)).toEqual([]);
      expect(await auditEvents(id)).toContain('revoked');
      expect(await records.get(id)).toBeNull();
      expect(sampleSum(await scrape(second.opsPort), 'n3r_grants_overdue')).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it('revokes the ACL of a request that failed after applying it', { timeout: 120_000 }, async () => {
    const worker = await h.startWorker({ N3R_GRANT_SWEEP_MS: '1000' });
    try {
      const { id, ns, card } = await openAcl();
      // As a job whose worker died after applying, given up by BullMQ: the request is failed, and the
      // revocation the run would have scheduled next never was.
      await new RedisRequestStore(h.redis, h.prefix).update(id, (r) => ({
        record: {
          ...r,
          state: 'failed',
          error: 'the job was given up: job stalled more than allowable limit',
        },
        audit: { event: 'failed', actor: 'n3r' },
      }));
      await loseRevocationJob(id);
      await expire(id);

      await revokedInThread(card);
      expect(await policies(ns)).toEqual([]);
      const trail = await auditEvents(id);
      expect(trail.slice(trail.indexOf('failed'))).toContain('revoked');
    } finally {
      await worker.stop();
    }
  });

  it('counts an ACL past its expiry that it cannot revoke as overdue, and revokes it once it can', {
    timeout: 180_000,
  }, async () => {
    // This worker reaches the apiserver only through a relay the test cuts.
    const stack = inject('stack');
    const port = await freePort();
    const relay = apiserverRelay(new URL(stack.server), port);
    await relay.up();
    writeFileSync(
      kubeconfig,
      readFileSync(stack.executorKubeconfig, 'utf8').replace(stack.server, `https://127.0.0.1:${port}`),
    );
    const worker = await h.startWorker({ KUBECONFIG: kubeconfig, N3R_GRANT_SWEEP_MS: '1000' });
    try {
      const { id, ns, card } = await openAcl();
      const overdue = async () =>
        (await scrape(worker.opsPort)).filter((s) => s.name === 'n3r_grants_overdue').map((s) => s.value);
      expect(await overdue()).toEqual([0]);

      await relay.down();
      await loseRevocationJob(id);
      await expire(id);
      await eventually('the grant counted overdue', async () => (await overdue())[0] === 1, 30_000);
      expect(await policies(ns)).toHaveLength(1);
      expect(await auditEvents(id)).not.toContain('revoked');

      await relay.up();
      await eventually('the grant revoked', async () => (await policies(ns)).length === 0, 90_000);
      await eventually('nothing overdue', async () => (await overdue())[0] === 0, 10_000);
      await revokedInThread(card);
      expect(await auditEvents(id)).toContain('revoked');
    } finally {
      await worker.stop();
      await relay.down();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { currentHashOf } from '../../src/core/bound-request.js';
import { recoverOrphans } from '../../src/core/recover-orphans.js';
import { BullmqJobQueue } from '../../src/jobs/bullmq-job-queue.js';
import { BullmqScheduler } from '../../src/jobs/bullmq-scheduler.js';
import { createLogger } from '../../src/logger.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { requestRecord } from '../support/builders.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

/**
 * A request is stored before its job is queued. A crash in between must not lose it: recovery finds the
 * stored request with no job and queues it, and the worker then applies it like any other.
 */
describe('requests stored but never queued (a crash between the two)', () => {
  let h: Harness;
  let queue: BullmqJobQueue;
  let scheduler: BullmqScheduler;
  beforeAll(async () => {
    h = await startHarness({ mode: 'socket' });
    queue = new BullmqJobQueue(h.redis, h.prefix);
    scheduler = new BullmqScheduler(h.redis, h.prefix);
  });
  afterAll(async () => {
    await queue.close();
    await scheduler.close();
    await h.stop();
  });

  it('are found and queued again, then applied once', async () => {
    const store = new RedisRequestStore(h.redis, h.prefix);
    const name = `team-a-orphan-${uniqueSuffix()}`;
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    const record = requestRecord({
      id: `r-${uniqueSuffix()}orph`.slice(0, 12),
      params: { name, cluster: 'pub-local-a', team: 'team-a', cpu: '4', memory: '8Gi' },
      description: `namespace ${name} on pub-local-a for team-a`,
      requester: { slackId: people.requester, email: 'alice@n3r.example', groups: ['team-a'] },
      channel: channels.team,
      createdAt: twoMinutesAgo,
      updatedAt: twoMinutesAgo,
    });
    record.requestHash = currentHashOf(record) ?? '';
    expect(await store.create(record, { event: 'decided', actor: people.requester })).toBe('created');
    expect(await h.hasJob('pub-local-a', record.id)).toBe(false);

    const log = createLogger({ level: 'silent', role: 'test' });
    expect(await recoverOrphans({ store, queue, scheduler, log })).toBe(1);
    const done = await eventually(
      'the recovered request done',
      async () => {
        const stored = await store.get(record.id);
        return stored?.state === 'succeeded' ? stored : undefined;
      },
      30_000,
    );
    expect(done.result?.summary).toContain(name);
    expect(await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).not.toBeNull();
    const started = (await store.auditTrail(record.id)).filter((e) => e.event === 'started');
    expect(started).toHaveLength(1);
    // Settled requests leave the open index: a second round finds nothing to do.
    expect(await recoverOrphans({ store, queue, scheduler, log })).toBe(0);
  });

  it('leaves a fresh request, whose job may still be on its way, alone', async () => {
    const store = new RedisRequestStore(h.redis, h.prefix);
    const record = requestRecord({ id: `r-${uniqueSuffix()}fres`.slice(0, 12), channel: channels.team });
    record.createdAt = new Date().toISOString();
    expect(await store.create(record, { event: 'decided', actor: people.requester })).toBe('created');
    const log = createLogger({ level: 'silent', role: 'test' });
    expect(await recoverOrphans({ store, queue, scheduler, log })).toBe(0);
    expect(await h.hasJob('pub-local-a', record.id)).toBe(false);
  });
});

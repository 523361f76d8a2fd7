import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels } from '../../devtools/workspace/local-workspace.js';
import { type PostableAlert, startTestAlertmanager, type TestAlertmanager } from '../support/alertmanager.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

const token = randomBytes(24).toString('hex');
const alertCount = 1_000;
const groupCount = 50;
const batches = 10;
const batchPauseMs = 3_000;

/**
 * An alert storm through a real Alertmanager: 1,000 alerts in 50 groups over two on-call channels within a
 * minute. Slack (the emulator) allows one chat.postMessage per second per channel with no burst at all, and
 * each other method its tier (chat.update 50 a minute), answering 429 beyond: the bot must never meet a limit
 * and must still name every alert in some message.
 */
describe('an alert storm', () => {
  let h: Harness;
  let am: TestAlertmanager;
  beforeAll(async () => {
    h = await startHarness({
      env: { N3R_ALERT_WEBHOOK_TOKEN: token },
      emulator: { rateLimit: { perSecond: 1, burst: 1 }, methodLimits: true },
    });
    am = await startTestAlertmanager();
    await am.configure({
      webhookUrl: `http://127.0.0.1:${h.n3r.opsPort}/webhooks/alertmanager`,
      bearerToken: token,
    });
  });
  afterAll(async () => {
    await am?.stop();
    await h?.stop();
  });

  it('meets no 429, names every alert in a parent, reply or digest, and gives each group one thread', {
    timeout: 400_000,
  }, async () => {
    const run = uniqueSuffix();
    const instance = (i: number) => `storm${run}-${String(i).padStart(4, '0')}`;
    const alertOf = (i: number): PostableAlert => {
      const group = i % groupCount;
      return {
        labels: {
          alertname: `Storm${run}g${group}`,
          severity: 'warning',
          cluster: 'pub-local-a',
          ...(group % 2 === 0 ? { team: 'team-a' } : {}),
          instance: instance(i),
        },
        annotations: { summary: 'storm' },
      };
    };
    const started = Date.now();
    const perBatch = alertCount / batches;
    for (let b = 0; b < batches; b++) {
      await am.post(Array.from({ length: perBatch }, (_, k) => alertOf(b * perBatch + k)));
      if (b < batches - 1) await new Promise((resolve) => setTimeout(resolve, batchPauseMs));
    }
    const postedIn = Date.now() - started;
    expect(postedIn).toBeLessThan(60_000);

    const pattern = new RegExp(`storm${run}-\\d{4}`, 'g');
    const ours = () =>
      h.emulator.messages.filter((m) => m.channel === channels.team || m.channel === channels.onCall);
    const named = () => {
      const seen = new Set<string>();
      for (const m of ours())
        for (const version of [{ text: m.text, blocks: m.blocks }, ...m.history])
          for (const hit of `${version.text}${JSON.stringify(version.blocks)}`.matchAll(pattern))
            seen.add(hit[0]);
      return seen;
    };
    const parents = () =>
      ours().filter((m) => m.threadTs === null && JSON.stringify(m.blocks).includes('n3r_alert_ack'));
    await h.emulator.waitFor('every alert named in some message', () => named().size === alertCount, 300_000);
    const accountedIn = Date.now() - started;
    await h.emulator.waitFor('a thread for every group', () => parents().length >= groupCount, 300_000);
    const threadedIn = Date.now() - started;

    const throttled = h.emulator.calls.filter((c) => c.status === 429);
    expect(throttled).toEqual([]);
    const groupsWithThreads = parents().map(
      (m) => /value":"([0-9a-f]{32})"/.exec(JSON.stringify(m.blocks))?.[1],
    );
    expect(new Set(groupsWithThreads).size).toBe(groupCount);
    expect(groupsWithThreads).toHaveLength(groupCount);
    const digests = ours().filter((m: StoredMessage) => m.text.startsWith('Alert digest'));
    expect(digests.length).toBeGreaterThan(0);
    const posts = h.emulator.calls.filter((c) => c.method === 'chat.postMessage').length;
    const updates = h.emulator.calls.filter((c) => c.method === 'chat.update').length;
    process.stderr.write(
      `[alert storm] ${alertCount} alerts in ${groupCount} groups posted in ${(postedIn / 1000).toFixed(1)} s; ` +
        `all named after ${(accountedIn / 1000).toFixed(1)} s, every group threaded after ${(threadedIn / 1000).toFixed(1)} s; ` +
        `${posts} chat.postMessage (${digests.length} digests), ${updates} chat.update, 0 answered 429\n`,
    );
  });
});

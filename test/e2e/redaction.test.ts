import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { localRegistryPath } from '../../devtools/local-paths.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { loadClusterRegistry } from '../../src/config/cluster-registry.js';
import { knownSecrets } from '../../src/known-secrets.js';
import { createLogger } from '../../src/logger.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { sampleSum, scrape } from '../support/prometheus-text.js';

// biome-ignore lint/suspicious/noExplicitAny: kubeconfig YAML is edited field by field
type Obj = Record<string, any>;

/**
 * One known secret is written through every path we know a secret can take: the settings logged at
 * start, a Redis URL with a password, an apiserver's error message (a 403 that names the object), a
 * failed job and its report in Slack, Slack API errors, and an Authorization header on the ops endpoint.
 * No log line and nothing the Slack emulator recorded may contain it, nor any other configured secret.
 */
describe('secrets never reach a log line or a Slack message', () => {
  // Lowercase hex: it also fits in a namespace name, so the apiserver itself echoes it in an error.
  const secret = `tok${randomBytes(10).toString('hex')}`;
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'n3r-redaction-'));
  let h: Harness;
  let developerKubeconfig: string;

  beforeAll(async () => {
    const stack = inject('stack');
    const redisUrl = new URL(stack.redisUrl);
    // The test Redis has no password; it answers AUTH with an error and the client carries on.
    redisUrl.password = secret;
    h = await startHarness({
      role: 'bot',
      // The same secret is the Alertmanager webhook's token (served where the alerts work is merged).
      env: { REDIS_URL: redisUrl.toString(), N3R_ALERT_WEBHOOK_TOKEN: secret },
      logger: (settings) =>
        createLogger({
          level: 'debug',
          role: 'test',
          destination: { write: (line: string) => void lines.push(line) },
          secrets: knownSecrets(settings),
        }),
    });
    // The developer's identity under the executor's context names: it may not read namespaces.
    const config = parse(readFileSync(stack.developerKubeconfig, 'utf8')) as Obj;
    const user = config.users[0].name as string;
    config.contexts = loadClusterRegistry(localRegistryPath).clusters.map(({ kubeContext: name }) => ({
      name,
      context: { cluster: config.clusters[0].name, user },
    }));
    config['current-context'] = 'local-public';
    developerKubeconfig = join(dir, 'developer.kubeconfig');
    writeFileSync(developerKubeconfig, stringify(config), { mode: 0o600 });
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const keyDataOf = (path: string) =>
    ((parse(readFileSync(path, 'utf8')) as Obj).users as Obj[]).map(
      (u) => u.user['client-key-data'] as string,
    );

  function everySecret(): string[] {
    const stack = inject('stack');
    return [
      secret,
      h.emulator.botToken,
      h.emulator.signingSecret,
      h.emulator.appToken,
      ...keyDataOf(stack.executorKubeconfig),
      ...keyDataOf(developerKubeconfig),
    ];
  }

  function slackRecord(): string {
    return JSON.stringify({
      messages: h.emulator.messages.map((m) => ({ text: m.text, blocks: m.blocks, history: m.history })),
      ephemerals: h.emulator.ephemerals,
      views: [...h.emulator.views.values()],
    });
  }

  it('reports an apiserver error that contains the secret, without the secret', async () => {
    const worker = await h.startWorker({ KUBECONFIG: developerKubeconfig });
    const name = `team-a-${secret}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card to say failed', () =>
      h.emulator
        .channelMessages(channels.team)
        .find((m) => m.text.includes('team-a-[redacted]') && m.text.includes('Failed')),
    );
    const reply = await h.emulator.waitFor('the failure in the thread', () =>
      h.emulator.threadReplies(card.channel, card.ts).find((m) => m.text.includes(':x:')),
    );
    expect(reply.text).toContain('namespace team-a-[redacted]');
    // The same failure, as the worker's metrics count it.
    const samples = await eventually('the failure counted', async () => {
      const scraped = await scrape(worker.opsPort);
      return sampleSum(scraped, 'n3r_errors_total', { component: 'worker', code: 'CONFIG' }) === 1
        ? scraped
        : null;
    });
    // At least the refused apply (the worker's sweeps, refused too with these credentials, may add more).
    expect(
      sampleSum(samples, 'n3r_kube_api_errors_total', { cluster: 'pub-local-a', status: '403' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleSum(samples, 'n3r_job_duration_seconds_count', { kind: 'namespace.create', outcome: 'failed' }),
    ).toBe(1);
    await worker.stop();
    // The worker logged the apiserver's refusal, which named the namespace.
    expect(lines.some((l) => l.includes('job failed') && l.includes('team-a-[redacted]'))).toBe(true);
  });

  it('logs Slack API errors of a token Slack refuses, without the token', async () => {
    const worker = await h.startWorker({ SLACK_BOT_TOKEN: `xoxb-${secret}` });
    const name = `team-a-rd-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    // The worker cannot read the requester's groups with that token, so it applies nothing and says why.
    await eventually('a logged Slack API error', async () =>
      lines.some((l) => l.includes('invalid_auth') && l.includes(`"requestId"`)),
    );
    expect(await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).toBeNull();
    await worker.stop();
  });

  it('does not log the Authorization header sent to the ops endpoint', async () => {
    for (const path of ['/webhooks/alertmanager', '/metrics', '/nowhere']) {
      await fetch(`http://127.0.0.1:${h.n3r.opsPort}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ token: secret }),
      });
    }
  });

  it('logged the settings, the Redis URL without its password, and no secret anywhere', () => {
    const starting = lines.find((l) => l.includes('"msg":"starting"'));
    expect(starting).toBeDefined();
    expect(starting).toContain('"botToken":"[redacted]"');
    expect(starting).toContain('redis://:redacted@127.0.0.1');
    const record = slackRecord();
    for (const value of everySecret()) {
      expect(value.length).toBeGreaterThan(8);
      expect(lines.filter((l) => l.includes(value))).toEqual([]);
      expect(record.includes(value)).toBe(false);
    }
  });
});

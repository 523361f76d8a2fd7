import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { freePort } from '../../scripts/local-stack/processes.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { ownershipProblems, teamNamespaceManifests } from '../support/managed-fields.js';
import { apiserverRelay } from '../support/tcp-relay.js';

/**
 * The worker's cluster goes away after the request was accepted: the job is retried with backoff, the
 * requester is told it waits and why, and it completes once the cluster is back.
 */
describe('a cluster that is unreachable in the middle of a request', () => {
  let h: Harness;
  let relay: ReturnType<typeof apiserverRelay>;

  beforeAll(async () => {
    const stack = inject('stack');
    const port = await freePort();
    relay = apiserverRelay(new URL(stack.server), port);
    await relay.up();
    // The worker reaches the apiserver only through the relay; the bot (which reads facts) directly.
    const kubeconfig = join(tmpdir(), `n3r-relay-${uniqueSuffix()}.kubeconfig`);
    writeFileSync(
      kubeconfig,
      readFileSync(stack.executorKubeconfig, 'utf8').replace(stack.server, `https://127.0.0.1:${port}`),
    );
    h = await startHarness({ mode: 'socket', role: 'bot' });
    await h.startWorker({ KUBECONFIG: kubeconfig, N3R_JOB_LOCK_MS: '5000' });
  });
  afterAll(async () => {
    await h.stop();
    await relay.down();
  });

  it('retries, tells the requester it is waiting, and completes when the cluster is back', async () => {
    await relay.down();
    const name = `team-a-out-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor('the card', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name)),
    );
    const waiting = await h.emulator.waitFor(
      'a note that it waits for the cluster',
      () => h.emulator.threadReplies(card.channel, card.ts).find((m) => m.text.startsWith(':hourglass:')),
      20_000,
    );
    expect(waiting.text).toContain('the cluster cannot be reached');
    expect(waiting.text).toMatch(/Trying again \(attempt 2 of 5\)/);
    expect(h.emulator.message(card.channel, card.ts)?.text).toContain('Running');
    expect(await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).toBeNull();

    await relay.up();
    await h.emulator.waitFor(
      'the card to say done',
      () => h.emulator.message(card.channel, card.ts)?.text.includes('Done'),
      60_000,
    );
    const ns = await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    expect(ownershipProblems(ns, teamNamespaceManifests(name)[0] as KubernetesObject)).toEqual([]);
  });
});

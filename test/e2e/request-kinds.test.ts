import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { bullPrefix } from '../../src/jobs/queue-names.js';
import { allKinds } from '../../src/kinds/index.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

/** Every request kind from its Slack command to the cluster, and its typed form. */
describe('each request kind from Slack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'socket' });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Runs a command and waits for its own card (kind and a unique name) to settle. */
  async function run(text: string, kind: string, name: string) {
    await h.emulator.slashCommand({ text, user: people.requester, channel: channels.team });
    return h.emulator.waitFor(
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
  }

  async function namespace(cluster: string, team: string): Promise<string> {
    const name = `${team}-k-${uniqueSuffix()}`;
    const card = await run(`ns create ${name} --cluster ${cluster} --team ${team}`, 'namespace.create', name);
    expect(card.text).toContain('Done');
    return name;
  }

  it('opens an ACL from a namespace to a public range', async () => {
    const ns = await namespace('pub-local-a', 'team-a');
    const card = await run(
      `acl open --cluster pub-local-a --namespace ${ns} --to 198.51.100.0/24 --ports tcp/443 --ttl 24h`,
      'acl.open',
      ns,
    );
    expect(card.text).toContain('Done');
    const policies = (await h.admin.list('cilium.io/v2', 'CiliumNetworkPolicy', ns)) as {
      items: { metadata?: { name?: string } }[];
    };
    expect(policies.items.map((p) => p.metadata?.name)).toEqual([expect.stringMatching(/^n3r-acl-r-/)]);
  });

  it('revokes an ACL when its TTL is up, and says so in its thread', async () => {
    const ns = await namespace('pub-local-a', 'team-a');
    const card = await run(
      `acl open --cluster pub-local-a --namespace ${ns} --to 198.51.100.7 --ports tcp/443 --ttl 2h`,
      'acl.open',
      ns,
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    const timers = new Queue('timers', { connection: h.redis, prefix: bullPrefix(h.prefix) });
    const timer = await eventually('the revocation timer', () => timers.getJob(`revoke-${id}`));
    expect(timer.opts.delay).toBeGreaterThan(1.9 * 3600 * 1000);
    await timer.promote(); // the two hours have passed
    const told = await h.emulator.waitFor('the revocation in the thread', () =>
      h.emulator.threadReplies(card.channel, card.ts).find((m) => m.text.startsWith(':lock:')),
    );
    // The requester is named (Slack tells them), and the card itself says the access ended.
    expect(told.text).toContain(`<@${people.requester}>`);
    expect(told.text).toContain('its time is up');
    const ended = await h.emulator.waitFor('the card says it ended', () => {
      const latest = h.emulator.message(card.channel, card.ts);
      return latest?.text.includes('Ended') ? latest : undefined;
    });
    expect(JSON.stringify(ended.blocks)).toContain('its time was up');
    // A second revocation (the sweeper after the timer) undoes nothing more and tells nothing more.
    await timers.add('request.revoke', { v: 1, requestId: id }, { jobId: `revoke-again-${id}` });
    await eventually('the second revocation done', async () =>
      (await timers.getJob(`revoke-again-${id}`))?.finishedOn ? true : undefined,
    );
    expect(
      h.emulator.threadReplies(card.channel, card.ts).filter((m) => m.text.startsWith(':lock:')),
    ).toHaveLength(1);
    const policies = (await h.admin.list('cilium.io/v2', 'CiliumNetworkPolicy', ns)) as { items: unknown[] };
    expect(policies.items).toEqual([]);
    const trail = await h.redis.xrange(`${h.prefix}:audit:${id}`, '-', '+');
    expect(trail.map(([, f]) => f[1]).filter((e) => e === 'revoked')).toHaveLength(1);
    await timers.close();
  });

  it('deploys an app from an image and reports it running', async () => {
    const ns = await namespace('pub-local-a', 'team-a');
    const card = await run(
      `deploy web --cluster pub-local-a --namespace ${ns} --image ghcr.io/team-a/web:1.4.2 --replicas 2 --max-replicas 3`,
      'app.deploy',
      ns,
    );
    expect(card.text).toContain('Done');
    const deployment = (await h.admin.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
    })) as {
      status?: { availableReplicas?: number };
    };
    expect(deployment.status?.availableReplicas).toBe(2);
  });

  it('provisions Elasticsearch on a stateful cluster', async () => {
    const ns = await namespace('sta-local-a', 'team-data');
    const card = await run(
      `es create logs --cluster sta-local-a --namespace ${ns} --version 8.15.3 --nodes 3 --storage 100Gi --tier hot`,
      'elasticsearch.provision',
      ns,
    );
    expect(card.text).toContain('Done');
    const es = await h.admin.get({
      apiVersion: 'elasticsearch.k8s.elastic.co/v1',
      kind: 'Elasticsearch',
      metadata: { name: 'logs', namespace: ns },
    });
    expect(es).not.toBeNull();
  });

  it('offers a typed form for every kind, from App Home', async () => {
    await h.emulator.appHomeOpened({ user: people.requester });
    const home = await h.emulator.waitFor('App Home', () => h.emulator.homeOf(people.requester));
    for (const [index, kind] of allKinds.entries()) {
      await h.emulator.clickButtonInView({
        user: people.requester,
        viewId: home.id,
        actionId: `n3r_open_form_${index}`,
      });
      const form = await h.emulator.waitFor(`the ${kind.id} form`, () =>
        h.emulator.openModals(people.requester).find((v) => v.callbackId === `n3r_form:${kind.id}`),
      );
      const blocks = JSON.stringify(form.view);
      expect(blocks).toContain('"block_id":"cluster"');
      expect(blocks).toContain('pub-local-a');
    }
  });
});

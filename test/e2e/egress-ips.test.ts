import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { EgressIpAllocator } from '../../src/store/egress-ip-allocator.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { sampleSum, scrape } from '../support/prometheus-text.js';

/**
 * NAT egress IPs are a real IPAM: an address whose namespace is gone (deleted by anyone) goes back to the
 * pool at the next sweep; one Redis lost is found at worker start and never handed out twice; pool usage is
 * a metric. pub-local-a gets a pool of its own here, a random /29 (6 addresses), so the namespaces other
 * tests left on the shared apiserver are outside it.
 */
describe('egress IPs released and reconciled by the worker', () => {
  let h: Harness;
  let allocator: EgressIpAllocator;
  const cluster = 'pub-local-a';
  const pool = `100.${64 + Math.floor(Math.random() * 64)}.${Math.floor(Math.random() * 256)}.${8 * Math.floor(Math.random() * 32)}/29`;

  beforeAll(async () => {
    h = await startHarness({
      mode: 'socket',
      role: 'bot',
      registry: (registry) => ({
        ...registry,
        clusters: registry.clusters.map((c) =>
          c.name === cluster ? { ...c, natGateway: { egressPools: [pool] } } : c,
        ),
      }),
    });
    allocator = new EgressIpAllocator(h.redis, h.prefix, () => [pool]);
  });
  afterAll(async () => {
    await h.stop();
  });

  /** A namespace made from Slack; its egress IP as the apiserver has it. */
  async function createNamespace(): Promise<{ name: string; ip: string }> {
    const name = `team-a-eg-${uniqueSuffix()}`;
    await h.emulator.slashCommand({
      text: `ns create ${name} --cluster ${cluster} --team team-a`,
      user: people.requester,
      channel: channels.team,
    });
    const card = await h.emulator.waitFor(
      `the card of ${name} to settle`,
      () =>
        h.emulator
          .channelMessages(channels.team)
          .find((m) => m.text.includes(name) && /Done|Failed/.test(m.text)),
      60_000,
    );
    expect(card.text).toContain('Done');
    const ns = await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return { name, ip: ns?.metadata?.annotations?.['n3r.io/egress-ip'] ?? '' };
  }

  const pools = async (port: number) => {
    const samples = await scrape(port);
    return {
      used: sampleSum(samples, 'n3r_egress_pool_addresses', { cluster, state: 'used' }),
      free: sampleSum(samples, 'n3r_egress_pool_addresses', { cluster, state: 'free' }),
      released: sampleSum(samples, 'n3r_egress_ip_released_total', { cluster }),
      leaks: sampleSum(samples, 'n3r_egress_ip_leaks_total', { cluster }),
    };
  };

  it('releases the address of a namespace an admin deleted at the next sweep, and the next namespace gets it', {
    timeout: 180_000,
  }, async () => {
    const worker = await h.startWorker({ N3R_GRANT_SWEEP_MS: '1000', N3R_EGRESS_RELEASE_GRACE_MS: '3000' });
    try {
      const first = await createNamespace();
      expect(first.ip).toMatch(/^100\./);
      expect(await pools(worker.opsPort)).toMatchObject({ used: 1, free: 5 });

      await h.admin.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: first.name } });
      // The sweep counts it once it is done with it (its policy removed, its request's trail written).
      await eventually(
        'the address released',
        async () => (await pools(worker.opsPort)).released === 1,
        90_000,
      );
      expect(await allocator.lookup(cluster, first.name)).toBeNull();
      expect(await pools(worker.opsPort)).toMatchObject({ used: 0, free: 6 });

      const second = await createNamespace();
      expect(second.ip).toBe(first.ip);
      expect(await pools(worker.opsPort)).toMatchObject({ used: 1, free: 5 });
    } finally {
      await worker.stop();
    }
  });

  it('finds at worker start an address Redis lost, reports it, and hands it to no other namespace', {
    timeout: 180_000,
  }, async () => {
    const first = await h.startWorker({});
    let lost: { name: string; ip: string };
    try {
      lost = await createNamespace();
    } finally {
      await first.stop();
    }
    // Redis lost the allocation while no worker ran (a failover without persistence, an operator's cleanup).
    await allocator.release(cluster, lost.name);

    // Sweeps a minute apart (the default): the one at start-up finds it.
    const second = await h.startWorker({});
    try {
      await eventually('the lost address reported', async () => (await pools(second.opsPort)).leaks === 1);
      expect(await allocator.lookup(cluster, lost.name)).toBe(lost.ip);
      const next = await createNamespace();
      expect(next.ip).toMatch(/^100\./);
      expect(next.ip).not.toBe(lost.ip);
    } finally {
      await second.stop();
    }
  });
});

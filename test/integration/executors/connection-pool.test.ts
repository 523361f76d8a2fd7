import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localRegistryPath } from '../../../devtools/local-paths.js';
import { freePort } from '../../../scripts/local-stack/processes.js';
import { loadClusterRegistry } from '../../../src/config/cluster-registry.js';
import { KubeClients } from '../../../src/executors/kube-clients.js';
import { uniqueSuffix } from '../../support/harness.js';
import { apiserverRelay } from '../../support/tcp-relay.js';

describe('connections to a cluster', () => {
  let relay: ReturnType<typeof apiserverRelay>;
  let kubeconfig: string;
  beforeAll(async () => {
    const stack = inject('stack');
    const port = await freePort();
    relay = apiserverRelay(new URL(stack.server), port);
    await relay.up();
    kubeconfig = join(tmpdir(), `n3r-pool-${uniqueSuffix()}.kubeconfig`);
    writeFileSync(
      kubeconfig,
      readFileSync(stack.executorKubeconfig, 'utf8').replace(stack.server, `https://127.0.0.1:${port}`),
    );
  });
  afterAll(() => relay.down());

  it('are reused across requests instead of a TLS handshake per request', async () => {
    const api = KubeClients.fromKubeconfig(kubeconfig, loadClusterRegistry(localRegistryPath)).for(
      'pub-local-a',
    );
    for (let i = 0; i < 20; i++) {
      expect(
        await api.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }),
      ).not.toBeNull();
    }
    expect(relay.accepted).toBeLessThanOrEqual(2);
  });
});

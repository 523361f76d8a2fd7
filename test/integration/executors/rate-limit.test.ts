import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { RawObjectApi } from '../../../src/executors/kube-object-api.js';
import type { RequestGate } from '../../../src/executors/token-bucket.js';

/** A gate the test opens by hand, counting who waited at it. */
function manualGate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gate = {
    waits: 0,
    open,
    take: async () => {
      gate.waits++;
      await opened;
    },
  };
  return gate satisfies RequestGate & { waits: number; open: () => void };
}

describe('the client-side rate limit toward a cluster', () => {
  it('holds every request to the apiserver until the cluster gate lets it through', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(inject('stack').adminKubeconfig);
    const gate = manualGate();
    const api = RawObjectApi.fromKubeConfig(kc, gate);
    let answered = false;
    const request = api
      .get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } })
      .then((ns) => {
        answered = true;
        return ns;
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gate.waits).toBeGreaterThan(0);
    expect(answered).toBe(false);
    gate.open();
    expect((await request)?.metadata?.name).toBe('default');
  });
});

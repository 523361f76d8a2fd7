import type { FactsProvider, NamespaceFacts } from '../core/ports.js';
import type { KubeClients } from './kube-clients.js';
import { fromKubeError } from './kube-errors.js';
import { requestIdAnnotation } from './managed-metadata.js';

/** Facts read from the clusters themselves, for the policy's `input.context`. */
export class KubeFactsProvider implements Pick<FactsProvider, 'namespace'> {
  constructor(private readonly kube: KubeClients) {}

  async namespace(cluster: string, name: string): Promise<NamespaceFacts> {
    const found = await this.kube
      .for(cluster)
      .get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
      .catch((error: unknown) => {
        const appError = fromKubeError(error, `reading namespace ${name} on ${cluster}`);
        throw Object.assign(appError, {
          userText:
            appError.userText ??
            `cluster ${cluster} could not be asked about namespace ${name}; try again shortly`,
        });
      });
    return {
      exists: found !== null,
      team: found?.metadata?.labels?.['n3r.io/team'] ?? null,
      requestId: found?.metadata?.annotations?.[requestIdAnnotation] ?? null,
    };
  }
}

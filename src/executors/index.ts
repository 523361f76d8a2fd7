import type { ExecutorMap } from '../core/ports.js';
import type { KubeClients } from './kube-clients.js';
import { namespaceCreateExecutor } from './namespace-create.js';

export function createExecutors(kube: KubeClients): ExecutorMap {
  return {
    'namespace.create': namespaceCreateExecutor(kube),
  };
}

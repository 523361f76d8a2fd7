import type { Redis } from 'ioredis';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import type { ExecutorMap } from '../core/ports.js';
import type { KubeClients } from './kube-clients.js';
import { namespaceCreateExecutor } from './namespace-create.js';

/** What executors are built from: cluster clients, the registry's platform endpoints, and Redis for allocations. */
export interface ExecutorDeps {
  kube: KubeClients;
  registry: ClusterRegistry;
  redis: Redis;
  /** Redis key prefix of this installation. */
  prefix: string;
}

export function createExecutors(deps: ExecutorDeps): ExecutorMap {
  return {
    'namespace.create': namespaceCreateExecutor(deps.kube),
  };
}

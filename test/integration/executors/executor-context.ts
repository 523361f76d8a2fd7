import { KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { localRegistryPath } from '../../../devtools/local-paths.js';
import { loadClusterRegistry } from '../../../src/config/cluster-registry.js';
import type { KindExecutor } from '../../../src/core/ports.js';
import type { ClusterRef, RequestRecord } from '../../../src/core/request.js';
import type { ExecutorDeps, ExecutorOptions } from '../../../src/executors/executor-deps.js';
import type { ObjectRef } from '../../../src/executors/kube-apply.js';
import { KubeClients } from '../../../src/executors/kube-clients.js';
import { RawObjectApi } from '../../../src/executors/kube-object-api.js';
import type { KindId, ParamsOf } from '../../../src/kinds/index.js';
import { requestKinds } from '../../../src/kinds/index.js';
import { createLogger } from '../../../src/logger.js';
import { requestRecord } from '../../support/builders.js';
import { uniqueSuffix } from '../../support/harness.js';

export const log = createLogger({ level: process.env.N3R_TEST_LOG_LEVEL ?? 'silent', role: 'test' });

export const clusters = {
  public: { name: 'pub-local-a', type: 'public', region: 'local' },
  dedicated: { name: 'ded-local-a', type: 'dedicated', region: 'local' },
  stateful: { name: 'sta-local-a', type: 'stateful', region: 'local' },
} satisfies Record<string, ClusterRef>;

export function apiFor(kubeconfig: string): RawObjectApi {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return RawObjectApi.fromKubeConfig(kc);
}

/** An admin client, to read back what the executor did (and set the scene), as a person with kubectl would. */
export const adminApi = () => apiFor(inject('stack').adminKubeconfig);

/** Executor dependencies on the shared stack, with a Redis prefix of their own. */
export function executorDeps(
  options: Partial<ExecutorOptions> = {},
): ExecutorDeps & { close(): Promise<void> } {
  const stack = inject('stack');
  const registry = loadClusterRegistry(localRegistryPath);
  const redis = new Redis(stack.redisUrl);
  return {
    kube: KubeClients.fromKubeconfig(stack.executorKubeconfig, registry),
    registry,
    redis,
    prefix: `t-${uniqueSuffix()}`,
    options,
    close: async () => {
      await redis.quit();
    },
  };
}

/** The params as given of what `paramsOf` parsed: what a stored record keeps. */
const given = new WeakMap<object, Record<string, string>>();

/**
 * A running request of a kind, as the worker hands it to the executor (its params stored as given, as
 * `paramsOf` had them); `obligations` as the policy gave them.
 */
export function recordFor<K extends KindId>(
  kind: K,
  params: ParamsOf<K>,
  options: { id?: string; cluster?: ClusterRef; obligations?: Record<string, unknown> } = {},
): RequestRecord {
  const base = requestRecord();
  const raw = given.get(params);
  if (!raw) throw new Error('params of a record come from paramsOf, which keeps them as given');
  return requestRecord({
    id: options.id ?? `r-${uniqueSuffix()}${uniqueSuffix()}`.slice(0, 12),
    kind,
    params: raw,
    description: (requestKinds[kind].describe as (p: ParamsOf<K>) => string)(params),
    cluster: options.cluster ?? clusters.public,
    state: 'running',
    decision: { ...base.decision, obligations: options.obligations ?? {} },
  });
}

/** Runs an executor the way the worker does; progress lines are collected. */
export async function run<P>(
  executor: KindExecutor<P>,
  record: RequestRecord,
  params: P,
  options: { dryRun?: boolean; progress?: string[]; signal?: AbortSignal } = {},
) {
  return executor({
    record,
    params,
    dryRun: options.dryRun ?? false,
    log,
    signal: options.signal ?? new AbortController().signal,
    progress: (line) => options.progress?.push(line),
  });
}

/** Params as the kind's schema produces them from flags: defaults filled, checked, typed. */
export function paramsOf<K extends KindId>(kind: K, raw: Record<string, string>): ParamsOf<K> {
  const params = requestKinds[kind].params.parse(raw) as ParamsOf<K>;
  given.set(params, raw);
  return params;
}

/** The resourceVersion of each object (undefined when it does not exist). */
export async function resourceVersions(api: RawObjectApi, refs: readonly ObjectRef[]) {
  return Promise.all(refs.map(async (ref) => (await api.get(ref))?.metadata?.resourceVersion));
}

/** A namespace of its own for a test, made by an admin (not by the executor under test). */
export async function createNamespace(
  api: RawObjectApi,
  prefix: string,
  labels: Record<string, string> = {},
) {
  const name = `${prefix}-${uniqueSuffix()}`;
  await api.apply(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'n3r.io/team': 'team-a', ...labels } },
    },
    { fieldManager: 'test' },
  );
  return name;
}

// biome-ignore lint/suspicious/noExplicitAny: objects read back from the apiserver are asserted field by field
export type Obj = Record<string, any>;

export async function read(api: RawObjectApi, ref: ObjectRef): Promise<Obj | null> {
  return (await api.get(ref)) as Obj | null;
}

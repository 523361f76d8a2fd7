import type { ExecutorMap, RevokerMap } from '../core/ports.js';
import type { ExecutionResult, RequestRecord } from '../core/request.js';
import type { ExecutorDeps } from '../executors/executor-deps.js';
import { kinds } from './index.js';

/** Each kind's executor, built for a worker; loads the executors' code (the intake never does). */
export async function createExecutors(deps: ExecutorDeps): Promise<ExecutorMap> {
  const entries = await Promise.all(
    kinds.map(async (kind) => [kind.id, (await kind.executor())(deps)] as const),
  );
  // Each executor is keyed by its own kind, so it gets the params its kind's schema parses.
  return Object.fromEntries(entries) as unknown as ExecutorMap;
}

/** How each time-bound kind is undone at the end of its time. */
export async function createRevokers(deps: ExecutorDeps): Promise<RevokerMap> {
  const revokers: Record<string, (record: RequestRecord) => Promise<ExecutionResult>> = {};
  for (const kind of kinds) {
    if (kind.revoker) revokers[kind.id] = (await kind.revoker())(deps);
  }
  return revokers as RevokerMap;
}

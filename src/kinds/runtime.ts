import type { ExecutorMap, RevokerMap } from '../core/ports.js';
import { aclOpenExecutor, revokeAcl } from './acl-open.js';
import { alertSilenceExecutor } from './alert-silence.js';
import { appDeployExecutor } from './app-deploy.js';
import { elasticsearchProvisionExecutor } from './elasticsearch-provision.js';
import type { ExecutorDeps } from './executor-deps.js';
import { logsQueryExecutor } from './logs-query.js';
import { namespaceCreateExecutor } from './namespace-create.js';

export { expiredAcls } from './acl-open.js';
export type { ExecutorDeps, ExecutorOptions, GatewayRef } from './executor-deps.js';
export { defaultExecutorOptions } from './executor-deps.js';

export function createExecutors(deps: ExecutorDeps): ExecutorMap {
  return {
    'namespace.create': namespaceCreateExecutor(deps),
    'acl.open': aclOpenExecutor(deps),
    'app.deploy': appDeployExecutor(deps),
    'elasticsearch.provision': elasticsearchProvisionExecutor(deps),
    'alert.silence': alertSilenceExecutor(deps),
    'logs.query': logsQueryExecutor(deps),
  };
}

/** How each time-bound kind is undone at the end of its time. */
export function createRevokers(deps: ExecutorDeps): RevokerMap {
  return {
    'acl.open': (record) =>
      revokeAcl(deps, {
        requestId: record.id,
        cluster: record.cluster.name,
        namespace: String(record.params.namespace),
      }),
  };
}

import type { ExecutorDeps } from '../../executors/executor-deps.js';
import { getObject } from '../../executors/kube-apply.js';
import { AclRecords } from './acl-records.js';
import { expiredAcls } from './revoker.js';

/**
 * The ACLs as grants for the grant sweeper: which are past their expiry (their central records in Redis)
 * and whether each one's CiliumNetworkPolicy is still in its cluster's apiserver.
 */
export function aclGrants(deps: Pick<ExecutorDeps, 'redis' | 'prefix' | 'kube'>) {
  const records = new AclRecords(deps.redis, deps.prefix);
  return {
    expired: (at: Date): Promise<string[]> => expiredAcls(deps, at),
    present: async (requestId: string): Promise<boolean> => {
      const acl = await records.get(requestId);
      // The record goes only after the policy is deleted: without it there is nothing left in force.
      if (!acl) return false;
      const policy = await getObject(deps.kube.for(acl.policy.cluster), {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: { name: acl.policy.name, namespace: acl.policy.namespace },
      });
      return policy !== null;
    },
  };
}

import type { ExecutionResult } from '../../core/request.js';
import type { ExecutorDeps } from '../../executors/executor-deps.js';
import { deleteManaged, objectName } from '../../executors/kube-apply.js';
import type { Logger } from '../../logger.js';
import type { RevokerFactory } from '../define.js';
import { AclRecords } from './acl-records.js';
import { aclPolicyName } from './executor.js';
import { aclOpenParams } from './params.js';

/** Which ACL to revoke: its request; cluster and namespace find the policy should the central record be gone. */
export interface AclRef {
  requestId: string;
  cluster?: string;
  namespace?: string;
}

/**
 * Removes exactly what an acl.open request created: its CiliumNetworkPolicy (only if that request wrote it)
 * and its central record. Idempotent: revoking a revoked ACL changes nothing. For the jobs layer, at expiry.
 */
export async function revokeAcl(
  deps: ExecutorDeps,
  ref: AclRef,
  options: { dryRun?: boolean; log?: Logger } = {},
): Promise<ExecutionResult> {
  const dryRun = options.dryRun ?? false;
  const records = new AclRecords(deps.redis, deps.prefix);
  const acl = await records.get(ref.requestId);
  const cluster = acl?.policy.cluster ?? ref.cluster;
  const namespace = acl?.policy.namespace ?? ref.namespace;
  const details: string[] = [];
  let deleted = false;
  if (cluster !== undefined && namespace !== undefined) {
    const policyRef = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: acl?.policy.name ?? aclPolicyName(ref.requestId), namespace },
    };
    deleted = await deleteManaged(deps.kube.for(cluster), policyRef, { dryRun, requestId: ref.requestId });
    if (deleted) details.push(`• ${objectName(policyRef)}${dryRun ? ' (would be deleted)' : ' deleted'}`);
  }
  const forgotten = acl !== null && (dryRun || (await records.remove(ref.requestId)));
  if (forgotten) details.push(`central record of ${ref.requestId}${dryRun ? ' would be' : ''} removed`);
  options.log?.info({ requestId: ref.requestId, deleted, forgotten, dryRun }, 'acl revoked');
  const where = namespace && cluster ? ` in ${namespace} on ${cluster}` : '';
  return {
    summary:
      deleted || forgotten
        ? `ACL ${ref.requestId}${where} ${dryRun ? 'would be revoked' : 'revoked'}`
        : `ACL ${ref.requestId}${where} was already revoked; nothing changed`,
    details,
  };
}

/** ACL requests whose expiry has passed and that are still recorded: what a sweeper revokes. */
export async function expiredAcls(
  deps: Pick<ExecutorDeps, 'redis' | 'prefix'>,
  now: Date,
): Promise<string[]> {
  return new AclRecords(deps.redis, deps.prefix).expired(now);
}

/** At the end of its TTL: removes what the request opened. */
export const aclOpenRevoker: RevokerFactory = (deps) => (record) =>
  revokeAcl(deps, {
    requestId: record.id,
    cluster: record.cluster.name,
    namespace: aclOpenParams.parse(record.params).namespace,
  });

import { requestKinds } from '../kinds/index.js';
import type { RequestRecord } from './request.js';
import { requestHash } from './request-hash.js';

/**
 * The hash of a stored request as it is now: its kind, its parameters parsed by the kind's schema, its
 * cluster and target clusters, its requester. Null when the stored parameters no longer parse.
 */
export function currentHashOf(
  record: Pick<RequestRecord, 'kind' | 'params' | 'cluster' | 'targets' | 'requester'>,
): string | null {
  const parsed = requestKinds[record.kind]?.params.safeParse(record.params);
  if (!parsed?.success) return null;
  return requestHash({
    kind: record.kind,
    params: parsed.data,
    cluster: record.cluster.name,
    targets: record.targets?.map((t) => t.cluster.name),
    requester: record.requester.slackId,
  });
}

/**
 * Why a request must not run as stored, or null when it is what was decided and approved: the hash of what
 * would run must be the one the request was decided with and the one every approval it counts approved.
 */
export function changedSinceApproval(record: RequestRecord): string | null {
  const now = currentHashOf(record);
  const approved = record.approvals.length > 0;
  const what = approved ? 'changed after approval' : 'changed after it was decided';
  if (now === null) return `${what}: the stored request no longer reads as a valid ${record.kind} request`;
  if (now !== record.requestHash)
    return `${what}: what would run (${now}) is not what was decided (${record.requestHash})`;
  const other = record.approvals.find((a) => a.requestHash !== now);
  if (other) return `${what}: an approval was given for ${other.requestHash}, but what would run is ${now}`;
  return null;
}

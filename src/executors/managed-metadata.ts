import type { RequestRecord } from '../core/request.js';

/** Field manager of every server-side apply the executors make. */
export const fieldManager = 'n3r';

export const managedByLabel = 'app.kubernetes.io/managed-by';
export const requestIdAnnotation = 'n3r.io/request-id';

/** Labels and annotations that make every object traceable to its request, requester and cluster type. */
export function managedMetadata(record: RequestRecord, extraLabels: Record<string, string> = {}) {
  return {
    labels: { [managedByLabel]: 'n3r', 'n3r.io/cluster-type': record.cluster.type, ...extraLabels },
    annotations: {
      [requestIdAnnotation]: record.id,
      'n3r.io/requester': record.requester.email ?? record.requester.slackId,
    },
  };
}

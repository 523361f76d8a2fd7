import type { KindPolicy } from '../define.js';
import { type ElasticsearchProvisionParams, storageClassOf } from './params.js';

export const elasticsearchProvisionPolicy = {
  // The namespace it goes in: the policy checks it exists and is the requester's team's.
  namespaceOf: (p) => p.namespace,
  toPolicyParams: (p) => ({
    namespace: p.namespace,
    name: p.name,
    version: p.version,
    nodes: p.nodes,
    storage_bytes: p.storage.bytes,
    tier: p.tier,
    storage_class: storageClassOf(p),
    take_over: p['take-over'] === 'yes',
  }),
} satisfies KindPolicy<ElasticsearchProvisionParams>;

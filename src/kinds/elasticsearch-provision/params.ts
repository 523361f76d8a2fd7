import { z } from 'zod';
import { cpuQuantity, memoryQuantity } from '../params/quantity.js';
import { clusterName, dnsLabel, text, wholeNumber, yesNo } from '../params/text.js';

export const esTiers = ['hot', 'warm', 'cold'] as const;
export type EsTier = (typeof esTiers)[number];

/**
 * The storage class of each tier when the request names none. The policy (stateful data.json,
 * `elasticsearch.storage_classes`) is the authority: a class that does not match its tier is denied there.
 */
export const tierStorageClasses: Record<EsTier, string> = {
  hot: 'local-nvme',
  warm: 'ssd-standard',
  cold: 'hdd-standard',
};

export const elasticsearchProvisionParams = z.strictObject({
  // ECK derives StatefulSet, Service and Secret names from it; its webhook refuses names above 36.
  name: dnsLabel.max(36, 'must be at most 36 characters'),
  cluster: clusterName,
  namespace: dnsLabel,
  version: text().regex(/^\d+\.\d+\.\d+$/, 'must be an Elasticsearch version such as 8.15.3'),
  nodes: wholeNumber(1, 999, 'must be a whole number of nodes, at least 1').prefault('3'),
  storage: memoryQuantity.prefault('100Gi'),
  tier: z.enum(esTiers, { error: "must be 'hot', 'warm' or 'cold'" }).default('hot'),
  'storage-class': dnsLabel.optional(),
  cpu: cpuQuantity.prefault('2'),
  memory: memoryQuantity.prefault('4Gi'),
  /** Take over fields another field manager holds (server-side apply with force); the policy sees it. */
  'take-over': yesNo.default('no'),
});

export type ElasticsearchProvisionParams = z.output<typeof elasticsearchProvisionParams>;

export const storageClassOf = (p: Pick<ElasticsearchProvisionParams, 'tier' | 'storage-class'>) =>
  p['storage-class'] ?? tierStorageClasses[p.tier];

import { z } from 'zod';
import { clusterName, cpuQuantity, dnsLabel, memoryQuantity, text } from './common-params.js';
import { defineRequestKind } from './define.js';
import { memoryBytes } from './quantities.js';

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

export const storageClassOf = (p: { tier: EsTier; 'storage-class'?: string | undefined }) =>
  p['storage-class'] ?? tierStorageClasses[p.tier];

/**
 * An Elasticsearch cluster (ECK) in a namespace of a stateful cluster: `--nodes` nodes of one tier, each
 * with `--storage` on the tier's storage class, spread over zones.
 * Examples: `/n3r es create search --cluster sta-kr1-a --namespace team-data-search --version 8.15.3`
 *           `/n3r es create logs --cluster sta-kr1-a --namespace team-data-logs --version 8.16.1 --nodes 6 --storage 500Gi --tier warm --cpu 4 --memory 16Gi`
 */
export const elasticsearchProvision = defineRequestKind({
  id: 'elasticsearch.provision',
  command: ['es', 'create'],
  positional: ['name'],
  usage:
    '/n3r es create <name> --cluster <cluster> --namespace <namespace> --version <8.15.3> [--nodes 3] [--storage 100Gi] [--tier hot|warm|cold] [--storage-class <class>] [--cpu 2] [--memory 4Gi]',
  summary: 'provision an Elasticsearch cluster on a stateful cluster',
  params: z.strictObject({
    // ECK derives StatefulSet, Service and Secret names from it; its webhook refuses names above 36.
    name: dnsLabel.max(36, 'must be at most 36 characters'),
    cluster: clusterName,
    namespace: dnsLabel,
    version: text().regex(/^\d+\.\d+\.\d+$/, 'must be an Elasticsearch version such as 8.15.3'),
    nodes: text()
      .refine((v) => /^\d{1,3}$/.test(v) && Number(v) >= 1, 'must be a whole number of nodes, at least 1')
      .default('3'),
    storage: memoryQuantity.default('100Gi'),
    tier: z.enum(esTiers, { error: "must be 'hot', 'warm' or 'cold'" }).default('hot'),
    'storage-class': dnsLabel.optional(),
    cpu: cpuQuantity.default('2'),
    memory: memoryQuantity.default('4Gi'),
  }),
  describe: (p) =>
    `Elasticsearch ${p.version} '${p.name}' in ${p.namespace} on ${p.cluster}: ${p.nodes} ${p.tier} nodes, ${p.storage} each (${storageClassOf(p)})`,
  namespaceOf: (p) => p.namespace,
  toPolicyParams: (p) => ({
    namespace: p.namespace,
    name: p.name,
    version: p.version,
    nodes: Number(p.nodes),
    storage_bytes: memoryBytes(p.storage),
    tier: p.tier,
    storage_class: storageClassOf(p),
  }),
});

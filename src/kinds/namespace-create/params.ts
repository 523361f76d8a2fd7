import { z } from 'zod';
import { cpuQuantity, memoryQuantity } from '../params/quantity.js';
import { clusterName, dnsLabel, teamName } from '../params/text.js';

export const namespaceCreateParams = z.strictObject({
  name: dnsLabel,
  cluster: clusterName,
  team: teamName,
  cpu: cpuQuantity.prefault('4'),
  memory: memoryQuantity.prefault('8Gi'),
});

export type NamespaceCreateParams = z.output<typeof namespaceCreateParams>;

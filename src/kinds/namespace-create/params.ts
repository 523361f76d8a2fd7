import { z } from 'zod';
import { cpuQuantity, memoryQuantity } from '../params/quantity.js';
import { clusterName, dnsLabel, teamName, yesNo } from '../params/text.js';

export const namespaceCreateParams = z.strictObject({
  name: dnsLabel,
  cluster: clusterName,
  team: teamName,
  cpu: cpuQuantity.prefault('4'),
  memory: memoryQuantity.prefault('8Gi'),
  /** Take over fields another field manager holds (server-side apply with force); the policy sees it. */
  'take-over': yesNo.default('no'),
});

export type NamespaceCreateParams = z.output<typeof namespaceCreateParams>;

import { z } from 'zod';
import { cpuMillicores, memoryBytes } from './quantities.js';

/** A text parameter; a missing one is reported as 'is required' rather than as a type error. */
export const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') });

export const dnsLabel = text()
  .max(63, 'must be at most 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS label: lowercase letters, digits and dashes, starting and ending with a letter or digit',
  );

export const clusterName = dnsLabel;
export const teamName = dnsLabel;

export const cpuQuantity = text().refine(
  (text) => (cpuMillicores(text) ?? 0) > 0,
  'must be a CPU quantity such as 4, 1.5 or 500m',
);

export const memoryQuantity = text().refine(
  (text) => (memoryBytes(text) ?? 0) > 0,
  'must be a memory quantity such as 512Mi or 16Gi',
);

import type { KindPolicy } from '../define.js';
import type { NamespaceCreateParams } from './params.js';

export const namespaceCreatePolicy = {
  // The namespace to be: the policy refuses one that exists already.
  namespaceOf: (p) => p.name,
  toPolicyParams: (p) => ({
    name: p.name,
    team: p.team,
    cpu_millicores: p.cpu.millicores,
    memory_bytes: p.memory.bytes,
    take_over: p['take-over'] === 'yes',
  }),
} satisfies KindPolicy<NamespaceCreateParams>;

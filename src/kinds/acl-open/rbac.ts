import type { KindRule } from '../define.js';

export const aclOpenRules: readonly KindRule[] = [
  {
    apiGroup: 'cilium.io',
    resources: ['ciliumnetworkpolicies'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: 'one policy per ACL, deleted when it expires',
  },
];

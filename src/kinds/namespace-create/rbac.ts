import type { KindRule } from '../define.js';

export const namespaceCreateRules: readonly KindRule[] = [
  {
    apiGroup: '',
    resources: ['namespaces', 'resourcequotas', 'limitranges'],
    verbs: ['get', 'create', 'patch'],
    why: 'the namespace, its quota and its default limits (server-side apply)',
  },
  {
    apiGroup: '',
    resources: ['namespaces'],
    verbs: ['list'],
    why: 'the egress IP reconciliation: which namespaces still exist, and the egress IP each one names',
  },
  {
    apiGroup: 'networking.k8s.io',
    resources: ['networkpolicies'],
    verbs: ['get', 'create', 'patch'],
    why: "the namespace's default-deny network policy",
  },
  {
    apiGroup: 'rbac.authorization.k8s.io',
    resources: ['rolebindings'],
    verbs: ['get', 'create', 'patch'],
    why: "the team's RoleBinding to the built-in 'edit' role",
  },
  {
    apiGroup: 'rbac.authorization.k8s.io',
    resources: ['clusterroles'],
    verbs: ['bind'],
    resourceNames: ['edit'],
    why: "RoleBindings that grant teams the built-in 'edit' role: bind, not the role's own rights",
  },
  {
    apiGroup: 'cilium.io',
    resources: ['ciliumegressgatewaypolicies'],
    verbs: ['get', 'create', 'patch'],
    why: "the namespace's fixed NAT egress IP (cluster-scoped)",
  },
  {
    apiGroup: 'cilium.io',
    resources: ['ciliumegressgatewaypolicies'],
    verbs: ['list', 'delete'],
    why: 'the egress IP reconciliation: the addresses in use, and the policy of a namespace that is gone',
  },
];

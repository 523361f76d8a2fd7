import type { KindRule } from '../define.js';

const workload = 'the workload, removed again when a first deploy never becomes available';
const route =
  'the route on the shared Gateway, its certificate and rate limit; removed when no longer asked for';

export const appDeployRules: readonly KindRule[] = [
  {
    apiGroup: 'apps',
    resources: ['deployments'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: workload,
  },
  { apiGroup: '', resources: ['services'], verbs: ['get', 'create', 'patch', 'delete'], why: workload },
  {
    apiGroup: 'autoscaling',
    resources: ['horizontalpodautoscalers'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: workload,
  },
  {
    apiGroup: 'policy',
    resources: ['poddisruptionbudgets'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: workload,
  },
  {
    apiGroup: '',
    resources: ['pods'],
    verbs: ['get', 'list'],
    why: 'why a rollout is stuck (unschedulable, image pull, …), read only',
  },
  {
    apiGroup: 'networking.k8s.io',
    resources: ['networkpolicies'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: "the gateway's way in to the app's port",
  },
  {
    apiGroup: 'gateway.networking.k8s.io',
    resources: ['httproutes', 'listenersets'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: route,
  },
  {
    apiGroup: 'cert-manager.io',
    resources: ['certificates'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: route,
  },
  {
    apiGroup: 'gateway.envoyproxy.io',
    resources: ['backendtrafficpolicies'],
    verbs: ['get', 'create', 'patch', 'delete'],
    why: route,
  },
];

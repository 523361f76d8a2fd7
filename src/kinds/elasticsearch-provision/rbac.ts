import type { KindRule } from '../define.js';

export const elasticsearchProvisionRules: readonly KindRule[] = [
  {
    apiGroup: 'elasticsearch.k8s.elastic.co',
    resources: ['elasticsearches'],
    verbs: ['get', 'create', 'patch'],
    why: 'the ECK Elasticsearch, and its health as the operator reports it',
  },
];

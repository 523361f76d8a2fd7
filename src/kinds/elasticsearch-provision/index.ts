import { defineKind } from '../define.js';
import { elasticsearchProvisionIntake } from './intake.js';
import { elasticsearchProvisionParams } from './params.js';
import { elasticsearchProvisionPolicy } from './policy.js';
import { elasticsearchProvisionRules } from './rbac.js';

export const elasticsearchProvision = defineKind({
  id: 'elasticsearch.provision',
  ...elasticsearchProvisionIntake,
  params: elasticsearchProvisionParams,
  ...elasticsearchProvisionPolicy,
  rbac: elasticsearchProvisionRules,
  executor: () => import('./executor.js').then((m) => m.elasticsearchProvisionExecutor),
});

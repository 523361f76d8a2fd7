import { defineKind } from '../define.js';
import { namespaceCreateIntake } from './intake.js';
import { namespaceCreateParams } from './params.js';
import { namespaceCreatePolicy } from './policy.js';
import { namespaceCreateRules } from './rbac.js';

export const namespaceCreate = defineKind({
  id: 'namespace.create',
  ...namespaceCreateIntake,
  params: namespaceCreateParams,
  ...namespaceCreatePolicy,
  rbac: namespaceCreateRules,
  executor: () => import('./executor.js').then((m) => m.namespaceCreateExecutor),
});

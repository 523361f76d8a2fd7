import { defineKind } from '../define.js';
import { aclOpenIntake } from './intake.js';
import { aclOpenParams } from './params.js';
import { aclOpenPolicy } from './policy.js';
import { aclOpenRules } from './rbac.js';

export const aclOpen = defineKind({
  id: 'acl.open',
  ...aclOpenIntake,
  params: aclOpenParams,
  ...aclOpenPolicy,
  rbac: aclOpenRules,
  executor: () => import('./executor.js').then((m) => m.aclOpenExecutor),
  revoker: () => import('./revoker.js').then((m) => m.aclOpenRevoker),
});

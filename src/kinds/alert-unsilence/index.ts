import { defineKind } from '../define.js';
import { alertUnsilenceIntake } from './intake.js';
import { alertUnsilenceParams } from './params.js';
import { alertUnsilencePolicy } from './policy.js';
import { alertUnsilenceRules } from './rbac.js';

export const alertUnsilence = defineKind({
  id: 'alert.unsilence',
  ...alertUnsilenceIntake,
  params: alertUnsilenceParams,
  ...alertUnsilencePolicy,
  rbac: alertUnsilenceRules,
  executor: () => import('./executor.js').then((m) => m.alertUnsilenceExecutor),
});

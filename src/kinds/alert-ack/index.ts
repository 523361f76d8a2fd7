import { defineKind } from '../define.js';
import { alertAckIntake } from './intake.js';
import { alertAckParams } from './params.js';
import { alertAckPolicy } from './policy.js';
import { alertAckRules } from './rbac.js';

export const alertAck = defineKind({
  id: 'alert.ack',
  ...alertAckIntake,
  params: alertAckParams,
  ...alertAckPolicy,
  rbac: alertAckRules,
  executor: () => import('./executor.js').then((m) => m.alertAckExecutor),
});

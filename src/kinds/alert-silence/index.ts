import { defineKind } from '../define.js';
import { alertSilenceIntake } from './intake.js';
import { alertSilenceParams } from './params.js';
import { alertSilencePolicy } from './policy.js';
import { alertSilenceRules } from './rbac.js';

export const alertSilence = defineKind({
  id: 'alert.silence',
  ...alertSilenceIntake,
  params: alertSilenceParams,
  ...alertSilencePolicy,
  rbac: alertSilenceRules,
  executor: () => import('./executor.js').then((m) => m.alertSilenceExecutor),
});

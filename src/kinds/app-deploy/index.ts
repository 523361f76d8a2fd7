import { defineKind } from '../define.js';
import { appDeployIntake } from './intake.js';
import { appDeployParams } from './params.js';
import { appDeployPolicy } from './policy.js';
import { appDeployRules } from './rbac.js';

export const appDeploy = defineKind({
  id: 'app.deploy',
  ...appDeployIntake,
  params: appDeployParams,
  ...appDeployPolicy,
  rbac: appDeployRules,
  executor: () => import('./executor.js').then((m) => m.appDeployExecutor),
});

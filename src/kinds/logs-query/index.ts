import { defineKind } from '../define.js';
import { logsQueryIntake } from './intake.js';
import { logsQueryParams } from './params.js';
import { logsQueryPolicy } from './policy.js';
import { logsQueryRules } from './rbac.js';

export const logsQuery = defineKind({
  id: 'logs.query',
  ...logsQueryIntake,
  params: logsQueryParams,
  ...logsQueryPolicy,
  rbac: logsQueryRules,
  executor: () => import('./executor.js').then((m) => m.logsQueryExecutor),
});

import type { ApprovalDeps } from '../core/decide-approval.js';
import type { SettleDeps } from '../core/settle-request.js';
import type { SubmitDeps } from '../core/submit-request.js';
import type { Metrics } from '../metrics/metrics.js';

/** Everything the listeners use: the three use cases' dependencies together. */
export type BotDeps = SubmitDeps &
  ApprovalDeps &
  SettleDeps & {
    /** Where outcomes are counted. @defaultValue no metrics */
    metrics?: Metrics;
  };

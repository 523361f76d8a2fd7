import type { ApprovalDeps } from '../core/decide-approval.js';
import type { SettleDeps } from '../core/settle-request.js';
import type { Ask, SubmitDeps } from '../core/submit-request.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SlackMessage } from './views/primitives.js';

/** Everything the listeners use: the three use cases' dependencies together. */
export type BotDeps = SubmitDeps &
  ApprovalDeps &
  SettleDeps & {
    /** Where outcomes are counted. @defaultValue no metrics */
    metrics?: Metrics;
    /**
     * Fills in what an ask leaves to n3r (an alert group's cluster and thread), or answers it at once (an
     * unknown group). @defaultValue asks go as they are
     */
    completeAsk?: (ask: Ask) => Promise<Ask | SlackMessage>;
  };

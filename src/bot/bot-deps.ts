import type { ApprovalDeps } from '../core/decide-approval.js';
import type { SettleDeps } from '../core/settle-request.js';
import type { SubmitDeps } from '../core/submit-request.js';

/** Everything the listeners use: the three use cases' dependencies together. */
export type BotDeps = SubmitDeps & ApprovalDeps & SettleDeps;

import type { Decision, PolicyInput } from './decision.js';
import type { RequestStore } from './ports.js';
import { hashOf } from './request-hash.js';

/** A decision's outcome in one word: what the audit trail and the logs say. */
export function outcomeOf(decision: Decision): 'allowed' | 'denied' | 'approval required' {
  if (decision.allow) return 'allowed';
  return decision.deny.length > 0 ? 'denied' : 'approval required';
}

/**
 * Records a decision in the request's audit trail: which bundle revision decided, over which input (its
 * hash), with what result and, for a denial, which rules said no.
 */
export async function recordDecision(
  store: RequestStore,
  requestId: string,
  event: string,
  decision: Decision,
  input: PolicyInput,
  cluster: string,
): Promise<void> {
  await store.update(requestId, (r) => ({
    record: r,
    audit: {
      event,
      actor: 'n3r',
      detail: {
        cluster,
        revision: decision.revision,
        input_hash: hashOf(input),
        result: outcomeOf(decision),
        ...(decision.deny.length > 0 ? { rules: decision.deny.map((d) => d.rule).join(',') } : {}),
      },
    },
  }));
}

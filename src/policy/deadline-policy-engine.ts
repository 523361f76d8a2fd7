import type { Decision } from '../core/decision.js';
import type { PolicyEngine } from '../core/ports.js';

/** CPU time of this thread, in ms: evaluation is synchronous, so other processes' load does not count. */
function threadCpuMs(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * A policy engine whose evaluations must finish within `deadlineMs` of CPU time. A slower evaluation is a
 * failure like any other engine failure: the request is denied, with a reason that says so.
 */
export function withPolicyDeadline(engine: PolicyEngine, deadlineMs: number): PolicyEngine {
  return {
    decide(clusterType, input) {
      const started = threadCpuMs();
      const decision = engine.decide(clusterType, input);
      const took = threadCpuMs() - started;
      return took <= deadlineMs ? decision : overDeadline(decision, took, deadlineMs);
    },
  };
}

function overDeadline(decision: Decision, tookMs: number, deadlineMs: number): Decision {
  return {
    allow: false,
    deny: [
      {
        rule: 'engine.deadline',
        message: `the policy took ${tookMs.toFixed(1)} ms to decide, over its deadline of ${deadlineMs} ms, so nothing is allowed`,
      },
    ],
    approval: { required: false, groups: [], count: 0, expiresIn: '0s', reasons: [] },
    warnings: [],
    obligations: {},
    revision: decision.revision,
  };
}

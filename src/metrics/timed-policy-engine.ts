import type { PolicyEngine } from '../core/ports.js';
import type { Metrics } from './metrics.js';

/** The policy engine port, with every evaluation timed. */
export function timedPolicyEngine(engine: PolicyEngine, metrics: Metrics): PolicyEngine {
  return {
    decide(clusterType, input) {
      const started = performance.now();
      try {
        return engine.decide(clusterType, input);
      } finally {
        metrics.policyEvaluated(clusterType, (performance.now() - started) / 1000);
      }
    },
  };
}

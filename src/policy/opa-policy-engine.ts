import type { Decision, PolicyInput } from '../core/decision.js';
import type { PolicyEngine } from '../core/ports.js';
import type { Logger } from '../logger.js';
import { rawDecisionSchema } from './decision-schema.js';
import { describe, type PolicyBundle } from './policy-bundle.js';

/** Inputs above this size are refused before they reach the engine. @defaultValue 256 KiB */
export const maxInputBytes = 256 * 1024;

/**
 * Evaluates requests with the compiled bundle of the cluster's type. Fails closed: a missing bundle, an
 * engine error, an undefined or malformed result and an oversized input are all denials with a reason.
 */
export class OpaPolicyEngine implements PolicyEngine {
  readonly #bundles = new Map<string, PolicyBundle>();

  constructor(
    bundles: readonly PolicyBundle[],
    private readonly log: Logger,
  ) {
    for (const bundle of bundles) this.#bundles.set(bundle.clusterType, bundle);
  }

  revisions(): Record<string, string> {
    return Object.fromEntries([...this.#bundles].map(([type, bundle]) => [type, bundle.revision]));
  }

  decide(clusterType: string, input: PolicyInput): Decision {
    const bundle = this.#bundles.get(clusterType);
    if (!bundle) return failClosed('none', `no policy bundle is loaded for cluster type '${clusterType}'`);

    const text = JSON.stringify(input);
    if (Buffer.byteLength(text) > maxInputBytes) {
      return failClosed(
        bundle.revision,
        `the request is too large to evaluate (over ${maxInputBytes} bytes)`,
      );
    }
    let raw: unknown;
    try {
      const results = bundle.policy.evaluate(input, `n3r/${clusterType}/decision`) as { result?: unknown }[];
      raw = results[0]?.result;
    } catch (error) {
      this.log.error(
        { clusterType, revision: bundle.revision, err: describe(error) },
        'policy evaluation failed',
      );
      return failClosed(bundle.revision, 'the policy engine failed while evaluating this request');
    }
    if (raw === undefined) return failClosed(bundle.revision, 'the policy gave no decision for this request');
    const parsed = rawDecisionSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.error(
        { clusterType, revision: bundle.revision, issues: parsed.error.issues },
        'malformed decision',
      );
      return failClosed(bundle.revision, 'the policy gave a malformed decision');
    }
    const d = parsed.data;
    return {
      allow: d.allow && d.deny.length === 0,
      deny: d.deny,
      approval: {
        required: d.approval.required,
        groups: d.approval.groups,
        count: d.approval.count,
        expiresIn: d.approval.expires_in,
        reasons: d.approval.reasons,
      },
      warnings: d.warnings,
      obligations: d.obligations,
      revision: bundle.revision,
    };
  }
}

function failClosed(revision: string, message: string): Decision {
  return {
    allow: false,
    deny: [{ rule: 'engine.fail_closed', message }],
    approval: { required: false, groups: [], count: 0, expiresIn: '0s', reasons: [] },
    warnings: [],
    obligations: {},
    revision,
  };
}

import type { Decision, Denial, PolicyInput } from '../core/decision.js';
import type { PolicyEngine } from '../core/ports.js';
import type { Logger } from '../logger.js';
import { BundleRefusedError } from './bundle-sources.js';
import { type RawDecision, rawDecisionSchema } from './decision-schema.js';
import { describe, type PolicyBundle } from './policy-bundle.js';

/** Inputs above this size are refused before they reach the engine. @defaultValue 256 KiB */
export const maxInputBytes = 256 * 1024;

/** Options of the engine. */
export interface PolicyEngineOptions {
  /**
   * Base URL that the repository paths of the policies' METADATA links (`policies/README.md#…`) are
   * resolved against, e.g. the repository's page in its forge. @defaultValue undefined: paths stay paths
   */
  docsUrl?: string | undefined;
}

type Evaluation = { ok: true; decision: RawDecision } | { ok: false; problem: string; userText: string };

const encoder = new TextEncoder();

/**
 * Evaluates requests with the compiled bundle of the cluster's type. Fails closed: a missing bundle, an
 * engine error, an undefined or malformed result and an oversized input are all denials with a reason.
 */
export class OpaPolicyEngine implements PolicyEngine {
  readonly #bundles = new Map<string, PolicyBundle>();

  constructor(
    bundles: readonly PolicyBundle[],
    private readonly log: Logger,
    private readonly options: PolicyEngineOptions = {},
  ) {
    for (const bundle of bundles) this.install(bundle);
  }

  /**
   * Puts a bundle in service for its cluster type once it passes a probe: it must give a well-formed
   * decision that refuses an unknown request kind. Evaluation is synchronous, so a decision in progress
   * finishes on the bundle it started with and the next one uses the new bundle: never a mix.
   */
  install(bundle: PolicyBundle): void {
    const probe = this.evaluate(bundle, encodeInput(probeInput(bundle.clusterType)));
    const problem = !probe.ok
      ? probe.problem
      : probe.decision.allow
        ? 'it allows an unknown request kind'
        : null;
    if (problem) {
      throw new BundleRefusedError(
        `policy bundle ${bundle.revision} fails its probe: ${problem}`,
        bundle.revision,
      );
    }
    this.#bundles.set(bundle.clusterType, bundle);
  }

  revisionOf(clusterType: string): string | undefined {
    return this.#bundles.get(clusterType)?.revision;
  }

  revisions(): Record<string, string> {
    return Object.fromEntries([...this.#bundles].map(([type, bundle]) => [type, bundle.revision]));
  }

  decide(clusterType: string, input: PolicyInput): Decision {
    const bundle = this.#bundles.get(clusterType);
    if (!bundle) return failClosed('none', `no policy bundle is loaded for cluster type '${clusterType}'`);
    const encoded = encodeInput(input);
    if (encoded.byteLength > maxInputBytes) {
      return failClosed(
        bundle.revision,
        `the request is too large to evaluate (over ${maxInputBytes} bytes)`,
      );
    }
    const outcome = this.evaluate(bundle, encoded);
    if (!outcome.ok) {
      this.log.error(
        { clusterType, revision: bundle.revision, problem: outcome.problem },
        'policy gave no usable decision',
      );
      return failClosed(bundle.revision, outcome.userText);
    }
    const d = outcome.decision;
    return {
      allow: d.allow && d.deny.length === 0,
      deny: d.deny.map((denial) => this.withLink(denial)),
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

  private withLink(denial: RawDecision['deny'][number]): Denial {
    const { about, ...rest } = denial;
    if (!about) return rest;
    const { docsUrl } = this.options;
    const absolute = /^https?:\/\//.test(about.url);
    return {
      ...rest,
      about: { ...about, url: docsUrl && !absolute ? new URL(about.url, docsUrl).href : about.url },
    };
  }

  private evaluate(bundle: PolicyBundle, input: ArrayBuffer): Evaluation {
    let raw: unknown;
    try {
      const results = bundle.policy.evaluate(input, `n3r/${bundle.clusterType}/decision`) as {
        result?: unknown;
      }[];
      raw = results[0]?.result;
    } catch (error) {
      return {
        ok: false,
        problem: describe(error),
        userText: 'the policy engine failed while evaluating this request',
      };
    }
    if (raw === undefined) {
      return {
        ok: false,
        problem: 'undefined result',
        userText: 'the policy gave no decision for this request',
      };
    }
    const parsed = rawDecisionSchema.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        problem: JSON.stringify(parsed.error.issues),
        userText: 'the policy gave a malformed decision',
      };
    }
    return { ok: true, decision: parsed.data };
  }
}

// Encoded once: the size check and opa-wasm (which takes JSON bytes as an ArrayBuffer) share it.
function encodeInput(input: PolicyInput): ArrayBuffer {
  const bytes = encoder.encode(JSON.stringify(input));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function probeInput(clusterType: string): PolicyInput {
  return {
    request: {
      id: 'r-probe',
      kind: 'n3r.probe',
      params: {},
      requester: { slack_id: 'U0PROBE', email: null, groups: [] },
    },
    cluster: { name: 'probe', type: clusterType, region: 'probe' },
    approvals: [],
    context: {},
  };
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

/** The policy contract (policies/README.md, v2): what the bot sends and what a bundle answers. */

/** The rule package a denial came from, from its METADATA annotations. */
export interface PolicyAbout {
  title: string;
  description: string;
  /** Where to read more: an http(s) URL, or a path in the repository when no docs URL is configured. */
  url: string;
}

export interface Denial {
  /** Stable id of the rule that produced the denial, e.g. `namespace.name.prefix`. */
  rule: string;
  message: string;
  /** Absent on denials that no rule package gave (the engine's own) and on decisions stored before v2. */
  about?: PolicyAbout;
}

export interface ApprovalRequirement {
  required: boolean;
  /** Platform groups whose members may approve. */
  groups: string[];
  /** How many distinct approvers are needed. */
  count: number;
  /** How long the request may wait for approvals, e.g. `24h`. */
  expiresIn: string;
  /** Why approval is needed, one line each. */
  reasons: string[];
}

export interface Decision {
  allow: boolean;
  deny: Denial[];
  approval: ApprovalRequirement;
  warnings: string[];
  obligations: Record<string, unknown>;
  /** Revision of the bundle that decided, recorded with every decision. */
  revision: string;
}

export interface PolicyInput {
  request: {
    id: string;
    kind: string;
    params: Record<string, unknown>;
    requester: { slack_id: string; email: string | null; groups: string[] };
  };
  cluster: { name: string; type: string; region: string };
  approvals: { slack_id: string; groups: string[]; at: string }[];
  context: Record<string, unknown>;
}

/** Why a request that was allowed once no longer is: every denial with its rule, or the missing approval. */
export function noLongerAllowed(decision: Decision): string {
  const reasons = decision.deny.map((d) => `${d.message} [${d.rule}]`).join('; ');
  return `the policy no longer allows this request: ${reasons || 'approval is missing'}`;
}

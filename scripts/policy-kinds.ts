// Ties the request kinds the TypeScript registers to the Rego: every kind has a policy in every bundle,
// and no bundle or rule package names a kind the TypeScript does not know. Asks the real opa.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One bundle as opa should load it: its cluster type and the directories it is built from. */
export interface BundleSources {
  type: string;
  /** e.g. `[policies/lib, policies/public]`: Rego and data.json, as build-policies.sh builds the bundle. */
  dirs: readonly string[];
}

interface BundleFacts {
  /** The bundle's dispatch table (`data.n3r.<type>.kinds`), or null when it has none. */
  table: Record<string, string> | null;
  /** Every rule package under data.n3r.lib that declares a `kind`: package name -> kind. */
  packages: Record<string, string>;
  /** The given kinds that the bundle denies as having no policy (policy.kind.none). */
  undecided: string[];
}

// A probe request per kind: params are left empty, since only whether the bundle dispatches it matters.
const query = `type := input.type
facts := {
  "table": object.get(data.n3r, [type, "kinds"], null),
  "packages": {name: kind | kind := data.n3r.lib[name].kind; is_string(kind)},
  "undecided": [kind |
    some kind in input.kinds
    probe := {
      "request": {"id": "r-probe", "kind": kind, "params": {},
                  "requester": {"slack_id": "U0PROBE", "email": null, "groups": []}},
      "cluster": {"name": "probe", "type": type, "region": "probe"},
      "approvals": [], "context": {}
    }
    decision := data.n3r[type].decision with input as probe
    some denial in decision.deny
    denial.rule == "policy.kind.none"
  ]
}`;

async function bundleFacts(
  opa: string,
  bundle: BundleSources,
  kinds: readonly string[],
): Promise<BundleFacts> {
  const args = ['eval', '--format', 'json', '--stdin-input', '--ignore', '*_test.rego'];
  for (const dir of bundle.dirs) args.push('--data', dir);
  args.push(query);
  const child = run(opa, args, { maxBuffer: 16 << 20 });
  child.child.stdin?.end(JSON.stringify({ type: bundle.type, kinds }));
  const { stdout } = await child;
  const result = JSON.parse(stdout) as { result?: { bindings: { facts: BundleFacts } }[] };
  const facts = result.result?.[0]?.bindings.facts;
  if (!facts) throw new Error(`opa gave no answer for the ${bundle.type} bundle`);
  return facts;
}

/**
 * Every way the kinds and the bundles disagree, one sentence each; empty when they agree:
 * - a kind the TypeScript registers that a bundle denies as having no policy (policy.kind.none);
 * - a dispatch table entry for a kind the TypeScript does not register;
 * - a rule package for a kind the TypeScript does not register, or one that a bundle does not dispatch to.
 * A kind that must never run on a type still needs an entry there, with rules that deny it.
 */
export async function policyKindProblems(args: {
  opa: string;
  kinds: readonly string[];
  bundles: readonly BundleSources[];
}): Promise<string[]> {
  const known = new Set(args.kinds);
  const problems: string[] = [];
  for (const bundle of args.bundles) {
    const facts = await bundleFacts(args.opa, bundle, args.kinds);
    const where = `the ${bundle.type} bundle`;
    for (const kind of facts.undecided)
      problems.push(
        `kind ${kind} has no policy in ${where}: add it to the dispatch table of n3r.${bundle.type}`,
      );
    if (facts.table === null) {
      problems.push(`${where} has no dispatch table (data.n3r.${bundle.type}.kinds)`);
      continue;
    }
    for (const kind of Object.keys(facts.table).filter((k) => !known.has(k)))
      problems.push(`${where} dispatches kind ${kind}, which the TypeScript does not register`);
    for (const [pkg, kind] of Object.entries(facts.packages)) {
      if (!known.has(kind))
        problems.push(
          `package n3r.lib.${pkg} has rules for kind ${kind}, which the TypeScript does not register`,
        );
      if (facts.table[kind] !== pkg)
        problems.push(`package n3r.lib.${pkg} (kind ${kind}) has no dispatch entry in ${where}`);
    }
  }
  return [...new Set(problems)];
}

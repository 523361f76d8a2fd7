import { type KindRule, type KubeVerb, kubeVerbs } from './define.js';
import { kinds } from './index.js';

/** A rule of the executor ClusterRole, with the reasons of the kinds that need it. */
export interface ClusterRoleRule {
  apiGroups: string[];
  resources: string[];
  verbs: KubeVerb[];
  resourceNames?: string[];
  /** `namespace.create: the namespace, its quota …`, one per kind and reason. */
  why: string[];
}

/** What a kind contributes: its id and the rules it declares. */
export interface RuleSource {
  id: string;
  rbac: readonly KindRule[];
}

/** Reads every executor does whatever its kind, declared once. */
export const sharedExecutorRules: RuleSource = {
  id: 'every kind',
  rbac: [
    {
      apiGroup: '',
      resources: ['namespaces'],
      verbs: ['get'],
      why: 'the facts the policy decides on again right before a job runs (exists, owner team)',
    },
  ],
};

const verbOrder = (verb: KubeVerb) => kubeVerbs.indexOf(verb);

/**
 * The executor ClusterRole's rules: the union of what the kinds declare (and the shared reads), one rule
 * per API group, verbs and resource names, resources and verbs sorted, so the same kinds always give the
 * same text.
 */
export function executorRules(sources: readonly RuleSource[]): ClusterRoleRule[] {
  // Per resource first: its verbs and reasons from every kind that names it.
  const byResource = new Map<
    string,
    { apiGroup: string; resource: string; names: string[]; verbs: Set<KubeVerb>; why: string[] }
  >();
  for (const source of sources) {
    for (const rule of source.rbac) {
      const names = [...(rule.resourceNames ?? [])].sort();
      for (const resource of rule.resources) {
        const key = JSON.stringify([rule.apiGroup, resource, names]);
        const entry = byResource.get(key) ?? {
          apiGroup: rule.apiGroup,
          resource,
          names,
          verbs: new Set<KubeVerb>(),
          why: [],
        };
        for (const verb of rule.verbs) entry.verbs.add(verb);
        const why = `${source.id}: ${rule.why}`;
        if (!entry.why.includes(why)) entry.why.push(why);
        byResource.set(key, entry);
      }
    }
  }
  // Then resources with the same group, verbs and names share one rule.
  const rules = new Map<string, ClusterRoleRule>();
  for (const entry of byResource.values()) {
    const verbs = [...entry.verbs].sort((a, b) => verbOrder(a) - verbOrder(b));
    const key = JSON.stringify([entry.apiGroup, verbs, entry.names]);
    const rule = rules.get(key) ?? {
      apiGroups: [entry.apiGroup],
      resources: [],
      verbs,
      ...(entry.names.length > 0 ? { resourceNames: entry.names } : {}),
      why: [],
    };
    rule.resources.push(entry.resource);
    for (const why of entry.why) if (!rule.why.includes(why)) rule.why.push(why);
    rules.set(key, rule);
  }
  const sorted = [...rules.values()];
  for (const rule of sorted) {
    rule.resources.sort();
    rule.why.sort();
  }
  return sorted.sort(
    (a, b) =>
      compare(a.apiGroups[0] ?? '', b.apiGroups[0] ?? '') ||
      compare(a.resources[0] ?? '', b.resources[0] ?? '') ||
      verbOrder(a.verbs[0] ?? 'get') - verbOrder(b.verbs[0] ?? 'get'),
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A rule as granted by a ClusterRole (as read back from its YAML). */
export interface GrantedRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

const allows = (list: readonly string[] | undefined, value: string) =>
  list !== undefined && (list.includes(value) || list.includes('*'));

/**
 * What the kinds need that `granted` does not give, one line per kind, verb and resource: empty when every
 * rule a kind declares is granted.
 */
export function missingGrants(sources: readonly RuleSource[], granted: readonly GrantedRule[]): string[] {
  const missing: string[] = [];
  for (const source of sources) {
    for (const rule of source.rbac) {
      for (const resource of rule.resources) {
        for (const verb of rule.verbs) {
          const names = rule.resourceNames ?? [];
          const ok = granted.some(
            (g) =>
              allows(g.apiGroups, rule.apiGroup) &&
              allows(g.resources, resource) &&
              allows(g.verbs, verb) &&
              (g.resourceNames === undefined ||
                g.resourceNames.length === 0 ||
                (names.length > 0 && names.every((n) => g.resourceNames?.includes(n)))),
          );
          const what = rule.apiGroup === '' ? resource : `${resource}.${rule.apiGroup}`;
          const only = names.length > 0 ? ` (${names.join(', ')})` : '';
          if (!ok) missing.push(`${source.id} needs '${verb}' on ${what}${only}: ${rule.why}`);
        }
      }
    }
  }
  return missing;
}

const flow = (items: readonly string[]) => `[${items.map((i) => (i === '' ? '""' : i)).join(', ')}]`;

/** The rules as YAML list items, each with its reasons as comments, indented by `indent` spaces. */
export function rulesYaml(rules: readonly ClusterRoleRule[], indent: number): string {
  const pad = ' '.repeat(indent);
  return rules
    .map((rule) =>
      [
        ...rule.why.map((why) => `${pad}# ${why}`),
        `${pad}- apiGroups: ${flow(rule.apiGroups)}`,
        `${pad}  resources: ${flow(rule.resources)}`,
        `${pad}  verbs: ${flow(rule.verbs)}`,
        ...(rule.resourceNames ? [`${pad}  resourceNames: ${flow(rule.resourceNames)}`] : []),
      ].join('\n'),
    )
    .join('\n');
}

const generated =
  '# Generated by `npm run rbac:generate` from the rules each kind declares (src/kinds/*/rbac.ts) and the\n' +
  "# shared reads (src/kinds/executor-rbac.ts). Do not edit: change a kind's rules and generate again.";

/** deploy/rbac/n3r-executor.yaml: the ClusterRole and its binding to the local stack's executor group. */
export function executorClusterRoleYaml(rules: readonly ClusterRoleRule[]): string {
  return `${generated}
# What the workers' identity may do on a cluster: exactly the objects the executors write.
# Bound to the group n3r:executors (the local stack's executor certificate; in-cluster, bind the
# workers' ServiceAccount instead).
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: n3r-executor
  labels:
    app.kubernetes.io/managed-by: n3r
rules:
${rulesYaml(rules, 2)}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: n3r-executor
  labels:
    app.kubernetes.io/managed-by: n3r
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: n3r-executor
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: n3r:executors
`;
}

/** deploy/chart/files/executor-rules.yaml: the same rules, for the chart's executor ClusterRole. */
export function chartExecutorRulesYaml(rules: readonly ClusterRoleRule[]): string {
  return `${generated}
# The chart's executor ClusterRole includes them (templates/rbac.yaml); they equal deploy/rbac/n3r-executor.yaml.
${rulesYaml(rules, 0)}
`;
}

/** Each generated file, by its path in the repository, with the text the kinds give it. */
export function generatedRbacFiles(sources: readonly RuleSource[] = kinds): Record<string, string> {
  const rules = executorRules([sharedExecutorRules, ...sources]);
  return {
    'deploy/rbac/n3r-executor.yaml': executorClusterRoleYaml(rules),
    'deploy/chart/files/executor-rules.yaml': chartExecutorRulesYaml(rules),
  };
}

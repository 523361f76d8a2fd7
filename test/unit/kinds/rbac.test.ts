import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  type GrantedRule,
  generatedRbacFiles,
  missingGrants,
  type RuleSource,
  sharedExecutorRules,
} from '../../../src/kinds/executor-rbac.js';
import { kinds } from '../../../src/kinds/index.js';

const committed = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The rules of the executor ClusterRole as committed in deploy/rbac. */
function committedRules(): GrantedRule[] {
  const [role] = parseAllDocuments(committed('deploy/rbac/n3r-executor.yaml')).map(
    (d) => d.toJS() as { kind: string; rules: GrantedRule[] },
  );
  if (role?.kind !== 'ClusterRole')
    throw new Error('deploy/rbac/n3r-executor.yaml starts with its ClusterRole');
  return role.rules;
}

describe('the executor RBAC generated from the kinds', () => {
  it('is what deploy/rbac and the chart hold (run `npm run rbac:generate` after changing a kind’s rules)', () => {
    for (const [path, text] of Object.entries(generatedRbacFiles())) expect(committed(path), path).toBe(text);
  });

  it('grants every rule every kind declares, and the reads every executor does', () => {
    expect(missingGrants([sharedExecutorRules, ...kinds], committedRules())).toEqual([]);
  });

  it('gives the chart the same rules as deploy/rbac', () => {
    const chart = parseAllDocuments(committed('deploy/chart/files/executor-rules.yaml'))[0]?.toJS();
    expect(chart).toEqual(committedRules());
  });

  it('names the kind, verb and resource a kind needs that the ClusterRole does not grant', () => {
    const needsMore: RuleSource = {
      id: 'namespace.resize',
      rbac: [
        { apiGroup: '', resources: ['resourcequotas'], verbs: ['get', 'update'], why: 'the new quota' },
        {
          apiGroup: 'rbac.authorization.k8s.io',
          resources: ['clusterroles'],
          verbs: ['bind'],
          resourceNames: ['admin'],
          why: 'team admins',
        },
      ],
    };
    expect(missingGrants([needsMore], committedRules())).toEqual([
      "namespace.resize needs 'update' on resourcequotas: the new quota",
      "namespace.resize needs 'bind' on clusterroles.rbac.authorization.k8s.io (admin): team admins",
    ]);
  });

  it('changes the generated files when a kind declares a verb more (the drift test then fails until regenerated)', () => {
    const [first, ...rest] = kinds;
    if (!first) throw new Error('no kinds');
    const more: RuleSource = {
      id: first.id,
      rbac: [...first.rbac, { apiGroup: 'apps', resources: ['statefulsets'], verbs: ['get'], why: 'x' }],
    };
    const files = generatedRbacFiles([more, ...rest]);
    expect(files['deploy/rbac/n3r-executor.yaml']).not.toBe(committed('deploy/rbac/n3r-executor.yaml'));
    expect(files['deploy/rbac/n3r-executor.yaml']).toContain(
      `# ${first.id}: x\n  - apiGroups: [apps]\n    resources: [statefulsets]`,
    );
  });
});

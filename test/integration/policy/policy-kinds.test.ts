import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../../scripts/local-stack/stack.js';
import { type BundleSources, policyKindProblems } from '../../../scripts/policy-kinds.js';
import { allKinds } from '../../../src/kinds/index.js';

const policies = join(projectRoot, 'policies');
const fixtures = join(projectRoot, 'test/fixtures/policy-kinds');
const kinds = allKinds.map((k) => k.id);
const bundle = (type: string, ...extra: string[]): BundleSources => ({
  type,
  dirs: [join(policies, 'lib'), join(policies, type), ...extra],
});
const problems = (bundles: BundleSources[], registered: readonly string[] = kinds) =>
  policyKindProblems({ opa: inject('stack').opa, kinds: registered, bundles });

describe('the request kinds of the TypeScript and the Rego', () => {
  it('agree: every kind has a policy in every bundle, and the Rego names no other kind', async () => {
    expect(await problems(['public', 'dedicated', 'stateful'].map((t) => bundle(t)))).toEqual([]);
  });

  it('disagree when a kind is registered without Rego', async () => {
    expect(await problems([bundle('public'), bundle('stateful')], [...kinds, 'fixture.kind'])).toEqual([
      'kind fixture.kind has no policy in the public bundle: add it to the dispatch table of n3r.public',
      'kind fixture.kind has no policy in the stateful bundle: add it to the dispatch table of n3r.stateful',
    ]);
  });

  it('disagree when a rule package has no dispatch entry', async () => {
    const withPackage = bundle('dedicated', join(fixtures, 'undispatched-kind'));
    expect(await problems([withPackage])).toEqual([
      'package n3r.lib.cluster_delete has rules for kind cluster.delete, which the TypeScript does not register',
      'package n3r.lib.cluster_delete (kind cluster.delete) has no dispatch entry in the dedicated bundle',
    ]);
    // Registered in the TypeScript too, the kind is still not dispatched: the bundle denies it.
    expect(await problems([withPackage], [...kinds, 'cluster.delete'])).toEqual([
      'kind cluster.delete has no policy in the dedicated bundle: add it to the dispatch table of n3r.dedicated',
      'package n3r.lib.cluster_delete (kind cluster.delete) has no dispatch entry in the dedicated bundle',
    ]);
  });

  it('disagree when a dispatch table names a kind the TypeScript does not know', async () => {
    const unknownEntry: BundleSources = {
      type: 'public',
      dirs: [
        join(policies, 'lib'),
        join(fixtures, 'unknown-entry/public'),
        join(policies, 'public/data.json'),
      ],
    };
    expect(await problems([unknownEntry])).toEqual([
      'the public bundle dispatches kind cluster.delete, which the TypeScript does not register',
    ]);
  });
});

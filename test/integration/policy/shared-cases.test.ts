import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../../scripts/local-stack/stack.js';
import { clusterTypes } from '../../../src/config/cluster-registry.js';
import type { Decision, PolicyInput } from '../../../src/core/decision.js';
import { createLogger } from '../../../src/logger.js';
import { OpaPolicyEngine } from '../../../src/policy/opa-policy-engine.js';
import { loadPolicyBundle } from '../../../src/policy/policy-bundle.js';

interface SharedCase {
  name: string;
  input: PolicyInput;
  expect: {
    allow: boolean;
    deny: string[];
    approval?: { required: boolean; groups?: string[]; count?: number };
  };
}

/** policies/testdata/*.json: the cases `opa test` also runs (lib/cases_test.rego), one truth for both. */
function loadCases(): [string, SharedCase][] {
  const dir = join(projectRoot, 'policies/testdata');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const { cases } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        cases: Record<string, SharedCase[]>;
      };
      return Object.values(cases).flatMap((list) =>
        list.map((c): [string, SharedCase] => [`${file}: ${c.name}`, c]),
      );
    });
}

/** The same comparison as the Rego side's testing.matches. */
function summary(decision: Decision, expected: SharedCase['expect']) {
  return {
    allow: decision.allow,
    deny: decision.deny.map((d) => d.rule).sort(),
    ...(expected.approval
      ? {
          approval: {
            required: decision.approval.required,
            ...(expected.approval.groups ? { groups: [...decision.approval.groups].sort() } : {}),
            ...(expected.approval.count !== undefined ? { count: decision.approval.count } : {}),
          },
        }
      : {}),
  };
}

describe('shared policy cases on the compiled wasm bundles', () => {
  let engine: OpaPolicyEngine;
  beforeAll(async () => {
    const dir = inject('stack').policyDir;
    engine = new OpaPolicyEngine(
      await Promise.all(clusterTypes.map((t) => loadPolicyBundle(dir, t))),
      createLogger({ level: 'silent', role: 'test' }),
    );
  });

  const cases = loadCases();
  it('has cases for every cluster type', () => {
    expect(new Set(cases.map(([, c]) => c.input.cluster.type))).toEqual(new Set(clusterTypes));
  });

  it.each(cases)('%s', (_name, c) => {
    const decision = engine.decide(c.input.cluster.type, c.input);
    expect(decision.deny.every((d) => d.message.length > 0)).toBe(true);
    expect(summary(decision, c.expect)).toEqual({
      allow: c.expect.allow,
      deny: [...c.expect.deny].sort(),
      ...(c.expect.approval
        ? {
            approval: {
              ...c.expect.approval,
              ...(c.expect.approval.groups ? { groups: [...c.expect.approval.groups].sort() } : {}),
            },
          }
        : {}),
    });
  });
});

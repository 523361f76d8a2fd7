import { describe, expect, it } from 'vitest';
import { fieldsByManager, ownershipProblems } from '../../support/managed-fields.js';

const manifest = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'ns', labels: { 'app.kubernetes.io/managed-by': 'n3r' } },
  spec: { minReplicas: 2, maxReplicas: 4, scaleTargetRef: { kind: 'Deployment', name: 'web' } },
};

const entry = (manager: string, operation: string, fieldsV1: Record<string, unknown>) => ({
  manager,
  operation,
  fieldsType: 'FieldsV1',
  fieldsV1,
});

const n3rHoldsAll = entry('n3r', 'Apply', {
  'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } },
  'f:spec': { 'f:minReplicas': {}, 'f:maxReplicas': {}, 'f:scaleTargetRef': {} },
});

const live = (...managedFields: unknown[]) =>
  ({ ...manifest, metadata: { ...manifest.metadata, managedFields } }) as never;

describe('who holds the fields of an applied object (the managedFields assertions of the tests)', () => {
  it('finds nothing wrong when n3r holds exactly what it applied and others only the status', () => {
    const status = entry('kube-controller-manager', 'Update', { 'f:status': { 'f:currentReplicas': {} } });
    expect(ownershipProblems(live(n3rHoldsAll, status), manifest)).toEqual([]);
    expect(fieldsByManager(live(status))).toEqual({
      'kube-controller-manager/Update': ['.status.currentReplicas'],
    });
  });

  it('names a field another manager holds too, or instead of n3r', () => {
    const tuned = entry('team-a-tuning', 'Apply', { 'f:spec': { 'f:maxReplicas': {} } });
    expect(ownershipProblems(live(n3rHoldsAll, tuned), manifest)).toEqual([
      '.spec.maxReplicas is held by team-a-tuning/Apply too',
    ]);
    const withoutMax = entry('n3r', 'Apply', {
      'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } },
      'f:spec': { 'f:minReplicas': {}, 'f:scaleTargetRef': {} },
    });
    expect(ownershipProblems(live(withoutMax, tuned), manifest)).toEqual([
      '.spec.maxReplicas is not held by n3r',
      '.spec.maxReplicas is held by team-a-tuning/Apply too',
    ]);
  });

  it('names a field n3r holds that it does not apply, and an object n3r never applied', () => {
    const extra = entry('n3r', 'Apply', {
      ...n3rHoldsAll.fieldsV1,
      'f:spec': { 'f:minReplicas': {}, 'f:maxReplicas': {}, 'f:scaleTargetRef': {}, 'f:behavior': {} },
    });
    expect(ownershipProblems(live(extra), manifest)).toEqual([
      '.spec.behavior is held by n3r but not applied',
    ]);
    expect(ownershipProblems(live(), manifest)).toHaveLength(5);
  });
});

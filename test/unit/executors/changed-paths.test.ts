import { describe, expect, it } from 'vitest';
import { changedPaths } from '../../../src/executors/kube-apply.js';

describe('what a dry run shows a reviewer', () => {
  it('names the fields that would change, not what the apiserver rewrites on every write', () => {
    const live = {
      metadata: { name: 'q', resourceVersion: '1', labels: { a: '1' } },
      spec: { hard: { 'limits.cpu': '2', 'limits.memory': '4Gi' } },
      status: { used: {} },
    };
    const would = {
      metadata: { name: 'q', resourceVersion: '2', labels: { a: '1' } },
      spec: { hard: { 'limits.cpu': '4', 'limits.memory': '4Gi' } },
      status: { used: { cpu: '1' } },
    };
    expect(changedPaths(live, would)).toEqual(['spec.hard.limits.cpu']);
    expect(changedPaths(live, live)).toEqual([]);
    expect(changedPaths({ spec: { a: [1] } }, { spec: { a: [2] } })).toEqual(['spec.a']);
  });
});

import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../src/executors/kube-apply.js';
import { appObjectRefs } from '../../../src/kinds/app-deploy/app-manifests.js';
import { appDeployExecutor } from '../../../src/kinds/app-deploy/executor.js';
import { namespaceCreateExecutor } from '../../../src/kinds/namespace-create/executor.js';
import { uniqueSuffix } from '../../support/harness.js';
import { fieldsByManager } from '../../support/managed-fields.js';
import {
  adminApi,
  createNamespace,
  executorDeps,
  type Obj,
  paramsOf,
  read,
  recordFor,
  resourceVersions,
  run,
} from './executor-context.js';

/**
 * Server-side apply without force, against the real apiserver: a field another field manager holds stops the
 * request with that field and manager named, and nothing is overwritten; `--take-over` takes it.
 */
describe('executors meeting fields that other field managers hold', () => {
  const admin = adminApi();
  let deps: ReturnType<typeof executorDeps>;
  beforeAll(() => {
    deps = executorDeps({
      gateways: {
        public: { name: 'shared-public', namespace: 'gateways' },
        internal: { name: 'shared-internal', namespace: 'gateways' },
      },
      clusterIssuer: 'test-issuer',
      rolloutTimeoutMs: 30_000,
      rolloutPollMs: 250,
    });
  });
  afterAll(async () => {
    await deps.close();
  });

  /** What `kubectl edit` does: an update (merge patch) under its own field manager. */
  const kubectlEdit = (object: ObjectRef, patch: Record<string, unknown>) =>
    admin.patch(
      { ...object, ...patch },
      undefined,
      undefined,
      'kubectl-edit',
      undefined,
      PatchStrategy.MergePatch,
    );

  describe('namespace.create run again', () => {
    const quotaRef = (ns: string): ObjectRef => ({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'n3r-quota', namespace: ns },
    });
    async function created(takeOver = false) {
      const name = `team-a-ssa-${uniqueSuffix()}`;
      const given = { name, cluster: 'pub-local-a', team: 'team-a', cpu: '2', memory: '4Gi' };
      const params = paramsOf('namespace.create', given);
      const record = recordFor('namespace.create', params);
      await run(namespaceCreateExecutor(deps), record, params);
      const again = paramsOf('namespace.create', takeOver ? { ...given, 'take-over': 'yes' } : given);
      return { name, record, again: () => run(namespaceCreateExecutor(deps), record, again) };
    }

    it('fails naming the quota field an operator edited and its manager, and keeps the operator value', async () => {
      const { name, again } = await created();
      await kubectlEdit(quotaRef(name), { spec: { hard: { 'requests.cpu': '3' } } });
      const before = await resourceVersions(admin, [quotaRef(name)]);

      await expect(again()).rejects.toMatchObject({
        code: 'FIELD_CONFLICT',
        retryable: false,
        userText: `ResourceQuota ${name}/n3r-quota: .spec.hard.requests.cpu is held by field manager 'kubectl-edit'; nothing was overwritten. Ask again with --take-over to take it over.`,
      });
      const quota = (await read(admin, quotaRef(name))) as Obj;
      expect(quota.spec.hard['requests.cpu']).toBe('3');
      expect(await resourceVersions(admin, [quotaRef(name)])).toEqual(before);
      expect(fieldsByManager(quota)['kubectl-edit/Update']).toEqual(['.spec.hard.requests.cpu']);
      expect(fieldsByManager(quota)['n3r/Apply']).not.toContain('.spec.hard.requests.cpu');
    });

    it('dry-runs every object first: a conflict on the fifth leaves the third and fourth as they were', async () => {
      const { name, again } = await created();
      const limits: ObjectRef = {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'n3r-defaults', namespace: name },
      };
      const deny: ObjectRef = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'n3r-default-deny', namespace: name },
      };
      await admin.delete(limits);
      await admin.delete(deny);
      const binding: ObjectRef = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'n3r-team-edit', namespace: name },
      };
      const subjects = [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'auditors' },
      ];
      await kubectlEdit(binding, { subjects });

      const error = await again().catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'FIELD_CONFLICT',
        userText: expect.stringMatching(
          new RegExp(
            `^RoleBinding ${name}/n3r-team-edit: \\.subjects is held by field manager 'kubectl-edit'; nothing was overwritten\\.`,
          ),
        ),
      });
      expect(await read(admin, limits)).toBeNull();
      expect(await read(admin, deny)).toBeNull();
      expect(((await read(admin, binding)) as Obj).subjects).toEqual(subjects);
    });

    it('with --take-over applies its value and n3r holds the field again', async () => {
      const { name, again } = await created(true);
      await kubectlEdit(quotaRef(name), { spec: { hard: { 'requests.cpu': '3' } } });

      await again();
      const quota = (await read(admin, quotaRef(name))) as Obj;
      expect(quota.spec.hard['requests.cpu']).toBe('2');
      const owned = fieldsByManager(quota);
      expect(owned['n3r/Apply']).toContain('.spec.hard.requests.cpu');
      expect(owned['kubectl-edit/Update'] ?? []).not.toContain('.spec.hard.requests.cpu');
    });
  });

  describe('app.deploy again', () => {
    const hpaOf = (ns: string) => appObjectRefs(ns, 'web').workload[2] as ObjectRef;
    const given = (ns: string, extra: Record<string, string> = {}) => ({
      app: 'web',
      cluster: 'pub-local-a',
      namespace: ns,
      image: 'nginx:1.27',
      replicas: '2',
      'max-replicas': '4',
      cpu: '250m',
      memory: '256Mi',
      ...extra,
    });
    /** A deployed app whose team then set its autoscaler's ceiling with their own apply. */
    async function tuned() {
      const ns = await createNamespace(admin, 'team-a-ssa', {
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
      const params = paramsOf('app.deploy', given(ns));
      await run(appDeployExecutor(deps), recordFor('app.deploy', params), params);
      const hpa = hpaOf(ns);
      expect(hpa.kind).toBe('HorizontalPodAutoscaler');
      await admin.apply({ ...hpa, spec: { maxReplicas: 6 } }, { fieldManager: 'team-a-tuning', force: true });
      return ns;
    }

    it('reports the ceiling the team tuned and its manager, to the requester and in the dry run, and keeps it', async () => {
      const ns = await tuned();
      const refs = appObjectRefs(ns, 'web').workload;
      const before = await resourceVersions(admin, refs);
      // A new image: the Deployment, first of the objects, would change; the conflict is on the third.
      const params = paramsOf('app.deploy', given(ns, { image: 'nginx:1.28' }));
      const text = `HorizontalPodAutoscaler ${ns}/web: .spec.maxReplicas is held by field manager 'team-a-tuning'; nothing was overwritten. Ask again with --take-over to take it over.`;

      await expect(
        run(appDeployExecutor(deps), recordFor('app.deploy', params), params, { dryRun: true }),
      ).rejects.toMatchObject({ code: 'FIELD_CONFLICT', userText: text });
      await expect(
        run(appDeployExecutor(deps), recordFor('app.deploy', params), params),
      ).rejects.toMatchObject({
        code: 'FIELD_CONFLICT',
        retryable: false,
        userText: text,
      });
      expect(await resourceVersions(admin, refs)).toEqual(before);
      const hpa = (await read(admin, hpaOf(ns))) as Obj;
      expect(hpa.spec.maxReplicas).toBe(6);
      expect(fieldsByManager(hpa)['team-a-tuning/Apply']).toEqual(['.spec.maxReplicas']);
      const deployment = (await read(admin, refs[0] as ObjectRef)) as Obj;
      expect(deployment.spec.template.spec.containers[0].image).toBe('docker.io/library/nginx:1.27');
    });

    it('with --take-over applies its ceiling and n3r holds it', async () => {
      const ns = await tuned();
      const params = paramsOf('app.deploy', given(ns, { 'take-over': 'yes' }));
      const plan = await run(appDeployExecutor(deps), recordFor('app.deploy', params), params, {
        dryRun: true,
      });
      // Approvers see which field changes hands, and from whom; the requester sees it once done.
      expect(plan.details.find((line) => line.includes('HorizontalPodAutoscaler'))).toMatch(
        /\(changes .*spec\.maxReplicas.*; takes over \.spec\.maxReplicas from 'team-a-tuning'\)$/,
      );

      const done = await run(appDeployExecutor(deps), recordFor('app.deploy', params), params);
      expect(done.details).toContain(
        `• HorizontalPodAutoscaler ${ns}/web (took over .spec.maxReplicas from 'team-a-tuning')`,
      );
      const hpa = (await read(admin, hpaOf(ns))) as Obj;
      expect(hpa.spec.maxReplicas).toBe(4);
      const owned = fieldsByManager(hpa);
      expect(owned['n3r/Apply']).toContain('.spec.maxReplicas');
      expect(owned['team-a-tuning/Apply'] ?? []).toEqual([]);
    });
  });
});

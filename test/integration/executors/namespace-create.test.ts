import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NamespaceFacts } from '../../../src/core/ports.js';
import type { RequestRecord } from '../../../src/core/request.js';
import { AppError } from '../../../src/errors.js';
import { defaultExecutorOptions } from '../../../src/executors/executor-deps.js';
import { fromKubeError } from '../../../src/executors/kube-errors.js';
import type { RawObjectApi } from '../../../src/executors/kube-object-api.js';
import { namespaceCreateExecutor, namespaceObjects } from '../../../src/kinds/namespace-create/executor.js';
import type { NamespaceCreateParams } from '../../../src/kinds/namespace-create/params.js';
import { uniqueSuffix } from '../../support/harness.js';
import { apiFor, executorDeps, log, paramsOf, recordFor } from './executor-context.js';

/** A namespace's params as `--cpu 2 --memory 4Gi` gives them. */
const paramsFor = (name: string) =>
  paramsOf('namespace.create', { name, cluster: 'pub-local-a', team: 'team-a', cpu: '2', memory: '4Gi' });
const recordFor_ = (id: string, params: NamespaceCreateParams): RequestRecord =>
  recordFor('namespace.create', params, { id });

describe('the namespace.create executor on a real apiserver', () => {
  let admin: RawObjectApi;
  let deps: ReturnType<typeof executorDeps>;
  let execute: ReturnType<typeof namespaceCreateExecutor>;
  const run = (
    record: RequestRecord,
    params: NamespaceCreateParams,
    dryRun = false,
    facts?: NamespaceFacts,
  ) =>
    execute({
      record,
      params,
      dryRun,
      ...(facts ? { facts: { namespace: facts } } : {}),
      log,
      signal: new AbortController().signal,
      progress: () => undefined,
    });

  beforeAll(() => {
    admin = apiFor(inject('stack').adminKubeconfig);
    deps = executorDeps();
    execute = namespaceCreateExecutor(deps);
  });
  afterAll(async () => {
    await deps.close();
  });

  it('is idempotent: running it twice changes nothing the second time', async () => {
    const params = paramsFor(`team-a-idem-${uniqueSuffix()}`);
    const record = recordFor_('r-idem', params);
    const first = await run(record, params);
    const ip = /egress IP (\S+)/.exec(first.summary)?.[1] ?? '';
    const versions = async () =>
      Promise.all(
        namespaceObjects(record, params, { ip, options: defaultExecutorOptions }).map(
          async (o) => (await admin.get(o as Parameters<RawObjectApi['get']>[0]))?.metadata?.resourceVersion,
        ),
      );
    const before = await versions();
    expect(before).toHaveLength(6);
    expect(before.every((v) => v !== undefined)).toBe(true);
    await run(record, params);
    expect(await versions()).toEqual(before);
  });

  it('on a dry run reports what it would do and creates nothing', async () => {
    const params = paramsFor(`team-a-dry-${uniqueSuffix()}`);
    const result = await run(recordFor_('r-dry', params), params, true);
    expect(result.summary).toContain('would be created');
    expect(
      await admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: params.name } }),
    ).toBeNull();
  });

  it('refuses a namespace that another request or someone outside n3r created', async () => {
    const name = `team-a-taken-${uniqueSuffix()}`;
    await admin.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { fieldManager: 'someone' },
    );
    const params = paramsFor(name);
    await expect(run(recordFor_('r-late', params), params)).rejects.toMatchObject({
      code: 'CONFLICT',
      userText: expect.stringContaining('created by someone outside n3r'),
    });
    const ns = await admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    expect(ns?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });

  it('trusts the facts the worker read for the policy instead of reading the namespace again', async () => {
    // The worker read, right before executing, that another request made this namespace: the executor
    // refuses on that alone (the apiserver has no such namespace, so only the facts can say so).
    const name = `team-a-facts-${uniqueSuffix()}`;
    const params = paramsFor(name);
    const facts = { exists: true, team: 'team-a', requestId: 'r-other' };
    await expect(run(recordFor_('r-mine', params), params, false, facts)).rejects.toMatchObject({
      code: 'CONFLICT',
      userText: expect.stringContaining('created by request r-other'),
    });
    expect(await admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })).toBeNull();
  });

  it('runs as an identity that can do what executors need and nothing more', async () => {
    const executor = apiFor(inject('stack').executorKubeconfig);
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `n3r-escalate-${uniqueSuffix()}` },
      rules: [],
    };
    const refused = await executor
      .apply(role, { fieldManager: 'n3r' })
      .catch((error: unknown) => fromKubeError(error, 'applying ClusterRole'));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'CONFIG',
      retryable: false,
      userText: expect.stringContaining('HTTP 403'),
    });
  });

  it('is refused when a team member without platform rights tries the same directly', async () => {
    const developer = apiFor(inject('stack').developerKubeconfig);
    const name = `team-a-direct-${uniqueSuffix()}`;
    await expect(
      developer.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'dev' }),
    ).rejects.toMatchObject({ code: 403 });
  });
});

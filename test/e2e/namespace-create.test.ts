import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import type { RequestRecord } from '../../src/core/request.js';
import { defaultExecutorOptions } from '../../src/executors/executor-deps.js';
import { namespaceObjects } from '../../src/kinds/namespace-create/executor.js';
import { namespaceCreate } from '../../src/kinds/namespace-create/index.js';
import { type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { ownershipProblems } from '../support/managed-fields.js';

// biome-ignore lint/suspicious/noExplicitAny: objects read back from the apiserver are asserted field by field
type Obj = Record<string, any>;

describe('namespace.create: from a Slack command to objects in the cluster and back', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('creates the namespace with quota, limits, default-deny policy and team access, and reports on the card', async () => {
    const name = `team-a-web-${uniqueSuffix()}`;
    const delivery = await h.emulator.slashCommand({
      text: `ns create ${name} --cluster pub-local-a --team team-a --cpu 2 --memory 4Gi`,
      user: people.requester,
      channel: channels.team,
    });
    expect(delivery.status).toBe(200);

    const card = await h.emulator.waitFor('the card to say done', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name) && m.text.includes('Done')),
    );
    const requestId = /r-[a-z0-9]{10}/.exec(card.text)?.[0];
    expect(requestId).toBeDefined();
    // The card was posted once and redrawn in place through the request's life.
    expect(h.emulator.channelMessages(channels.team).filter((m) => m.text.includes(name))).toHaveLength(1);
    expect(card.history.map((v) => /Queued|Running|Done/.exec(v.text)?.[0])).toEqual([
      'Queued',
      'Running',
      'Done',
    ]);

    const ns = (await h.admin.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) as Obj;
    expect(ns.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'n3r',
      'n3r.io/team': 'team-a',
      'n3r.io/cluster-type': 'public',
    });
    expect(ns.metadata.annotations).toMatchObject({
      'n3r.io/request-id': requestId,
      'n3r.io/requester': 'alice@n3r.example',
    });

    const read = (apiVersion: string, kind: string, objectName: string) =>
      h.admin.get({ apiVersion, kind, metadata: { name: objectName, namespace: name } }) as Promise<Obj>;
    const quota = await read('v1', 'ResourceQuota', 'n3r-quota');
    expect(quota.spec.hard).toEqual({
      'limits.cpu': '2',
      'limits.memory': '4Gi',
      'requests.cpu': '2',
      'requests.memory': '4Gi',
    });
    const limits = await read('v1', 'LimitRange', 'n3r-defaults');
    expect(limits.spec.limits[0]).toMatchObject({
      type: 'Container',
      default: { cpu: '500m', memory: '512Mi' },
    });
    const policy = await read('networking.k8s.io/v1', 'NetworkPolicy', 'n3r-default-deny');
    expect(policy.spec.podSelector).toEqual({});
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toBeUndefined();
    const binding = await read('rbac.authorization.k8s.io/v1', 'RoleBinding', 'n3r-team-edit');
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'edit' });
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' },
    ]);
    for (const object of [quota, limits, policy, binding]) {
      expect(object.metadata.annotations['n3r.io/request-id']).toBe(requestId);
    }

    const replies = h.emulator.threadReplies(card.channel, card.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain(`namespace ${name} created on pub-local-a for team-a`);
    expect(replies[0]?.text).toContain(`NetworkPolicy ${name}/n3r-default-deny`);

    const record = JSON.parse(
      (await h.redis.hget(`${h.prefix}:request:${requestId}`, 'json')) ?? 'null',
    ) as RequestRecord;
    expect(record).toMatchObject({
      state: 'succeeded',
      kind: 'namespace.create',
      requester: { groups: ['team-a', 'team-data'] },
    });
    // n3r holds exactly the fields it applies on each object, and no other field manager any of them.
    const manifests = namespaceObjects(record, namespaceCreate.params.parse(record.params), {
      ip: ns.metadata.annotations['n3r.io/egress-ip'],
      options: defaultExecutorOptions,
    });
    for (const [object, manifest] of [ns, quota, limits, policy, binding].map(
      (o, i) => [o, manifests[i]] as const,
    )) {
      expect(manifest?.kind).toBe(object.kind);
      expect(ownershipProblems(object, manifest as Obj)).toEqual([]);
    }
    const trail = await h.redis.xrange(`${h.prefix}:audit:${requestId}`, '-', '+');
    expect(trail.map(([, fields]) => fields[1])).toEqual([
      'decided',
      'job queued',
      'started',
      're-decided before running',
      'succeeded',
    ]);
  });
});

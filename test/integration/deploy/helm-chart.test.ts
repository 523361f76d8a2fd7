import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from '../../../scripts/local-stack/stack.js';
import { parseClusterRegistry } from '../../../src/config/cluster-registry.js';
import type { Manifest } from '../../../src/executors/kube-apply.js';
import { RawObjectApi } from '../../../src/executors/kube-object-api.js';
import { uniqueSuffix } from '../../support/harness.js';

const run = promisify(execFile);
const chart = join(projectRoot, 'deploy/chart');

// biome-ignore lint/suspicious/noExplicitAny: rendered objects are asserted field by field
type Obj = Record<string, any>;

/** Values of a fuller installation: HTTP mode, a kubeconfig for other clusters, the webhook, a ServiceMonitor. */
const fullInstall = [
  'slack.mode=http',
  'kubeconfig.existingSecret=n3r-kubeconfig',
  'webhook.existingSecret=n3r-webhook',
  'serviceMonitor.enabled=true',
  'serviceMonitor.labels.release=prometheus',
  'bot.replicas=3',
  'worker.replicas=4',
  'redis.sentinels=redis-sentinel:26379',
  'redis.sentinelMaster=n3r',
  'policy.bundleUrl=https://bundles.example/n3r/{type}.tar.gz',
  'policy.verificationKeys.existingSecret=n3r-bundle-keys',
];

describe('the Helm chart (deploy/chart)', () => {
  const home = mkdtempSync(join(tmpdir(), 'n3r-helm-'));
  const namespace = `n3r-chart-${uniqueSuffix()}`;
  let helm: string;
  let kubeVersion: string;
  let admin: RawObjectApi;

  const helmRun = (args: string[]) =>
    run(helm, args, {
      env: {
        PATH: process.env.PATH ?? '',
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_DATA_HOME: join(home, 'data'),
      },
      maxBuffer: 16 * 1024 * 1024,
    });

  async function render(sets: string[] = []): Promise<Obj[]> {
    const { stdout } = await helmRun([
      'template',
      'n3r',
      chart,
      '--namespace',
      namespace,
      '--kube-version',
      kubeVersion,
      ...sets.flatMap((s) => ['--set', s]),
    ]);
    return parseAllDocuments(stdout)
      .map((d) => d.toJS() as Obj | null)
      .filter((o): o is Obj => o !== null);
  }

  beforeAll(async () => {
    helm = (
      await run('bash', [join(projectRoot, 'scripts/ensure-helm.sh')], { maxBuffer: 1 << 24 })
    ).stdout.trim();
    const kc = new KubeConfig();
    kc.loadFromFile(inject('stack').adminKubeconfig);
    kubeVersion = (await kc.makeApiClient(VersionApi).getCode()).gitVersion.replace(/^v/, '');
    admin = RawObjectApi.fromKubeConfig(kc);
    await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }, 15 * 60_000);
  afterAll(async () => {
    await admin
      ?.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
      .catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('passes helm lint --strict, with the defaults and with a fuller installation', async () => {
    for (const sets of [[], fullInstall]) {
      const { stdout } = await helmRun([
        'lint',
        chart,
        '--strict',
        '--kube-version',
        kubeVersion,
        ...sets.flatMap((s) => ['--set', s]),
      ]);
      expect(stdout).toContain('0 chart(s) failed');
    }
  });

  it('renders objects the apiserver accepts (server-side dry run of every one)', async () => {
    for (const sets of [[], fullInstall]) {
      const objects = await render(sets);
      expect(objects.length).toBeGreaterThan(10);
      for (const object of objects) {
        const accepted = await admin
          .apply(object as Manifest, { fieldManager: 'n3r-chart-test', dryRun: true })
          .catch((error: { body?: unknown }) => {
            throw new Error(`${object.kind} ${object.metadata?.name} refused: ${JSON.stringify(error.body)}`);
          });
        expect(accepted.metadata?.name).toBe(object.metadata.name);
      }
    }
  });

  it('runs bot and workers apart: replicas, disruption budgets, probes, roles', async () => {
    const objects = await render(fullInstall);
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    expect(byKind('Deployment').map((d) => [d.metadata.name, d.spec.replicas])).toEqual([
      ['n3r-n3r-chatops-bot', 3],
      ['n3r-n3r-chatops-worker', 4],
    ]);
    expect(
      byKind('PodDisruptionBudget').map((p) => p.spec.selector.matchLabels['app.kubernetes.io/component']),
    ).toEqual(['bot', 'worker']);
    for (const deployment of byKind('Deployment')) {
      const [container] = deployment.spec.template.spec.containers;
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'ops' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'ops' });
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      const value = (name: string) => container.env.find((e: Obj) => e.name === name)?.value;
      expect([value('REDIS_SENTINELS'), value('REDIS_SENTINEL_MASTER')]).toEqual([
        'redis-sentinel:26379',
        'n3r',
      ]);
      const role = value('N3R_ROLE');
      expect(deployment.metadata.name.endsWith(role)).toBe(true);
    }
    const [monitor] = byKind('ServiceMonitor');
    expect(monitor?.spec.endpoints[0]).toMatchObject({ port: 'ops', path: '/metrics' });
    expect(monitor?.metadata.labels.release).toBe('prometheus');
    expect(
      byKind('Service').map((s) => [
        s.metadata.name,
        s.spec.selector['app.kubernetes.io/component'] ?? 'all',
        s.spec.ports.map((p: Obj) => p.name).join(','),
      ]),
    ).toEqual([
      ['n3r-n3r-chatops-ops', 'all', 'ops'],
      ['n3r-n3r-chatops-bot', 'bot', 'ops,slack'],
    ]);
    expect(byKind('NetworkPolicy')[0]?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('takes secrets by reference only', async () => {
    const objects = await render(fullInstall);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const [bot] = objects.filter((o) => o.kind === 'Deployment');
    const env = bot?.spec.template.spec.containers[0].env as Obj[];
    const fromSecret = Object.fromEntries(
      env.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom.secretKeyRef]),
    );
    expect(fromSecret).toEqual({
      SLACK_BOT_TOKEN: { name: 'n3r-slack', key: 'bot-token' },
      SLACK_SIGNING_SECRET: { name: 'n3r-slack', key: 'signing-secret' },
      REDIS_URL: { name: 'n3r-redis', key: 'url' },
      N3R_ALERT_WEBHOOK_TOKEN: { name: 'n3r-webhook', key: 'token' },
      N3R_BUNDLE_VERIFICATION_KEYS: { name: 'n3r-bundle-keys', key: 'keys.json' },
    });
    expect(env.filter((e) => /TOKEN|SECRET|REDIS_URL/.test(e.name) && e.value !== undefined)).toEqual([]);
  });

  it('binds the workers to the executor ClusterRole of deploy/rbac and the bot to namespace reads', async () => {
    const objects = await render();
    const roles = objects.filter((o) => o.kind === 'ClusterRole');
    const [reference] = parseAllDocuments(
      readFileSync(join(projectRoot, 'deploy/rbac/n3r-executor.yaml'), 'utf8'),
    ).map((d) => d.toJS() as Obj);
    expect(reference?.kind).toBe('ClusterRole');
    expect(roles.find((r) => r.metadata.name.endsWith('-executor'))?.rules).toEqual(reference?.rules);
    expect(roles.find((r) => r.metadata.name.endsWith('-namespace-reader'))?.rules).toEqual([
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
    ]);
    const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding');
    expect(bindings.map((b) => [b.roleRef.name, b.subjects[0].name, b.subjects[0].namespace])).toEqual([
      ['n3r-n3r-chatops-executor', 'n3r-n3r-chatops-worker', namespace],
      ['n3r-n3r-chatops-namespace-reader', 'n3r-n3r-chatops-bot', namespace],
    ]);
  });

  it("alerts when a cluster's NAT egress pools are more used than the ratio, and on an address two namespaces claim", async () => {
    const rulesOf = async (sets: string[]) =>
      (await render(sets))
        .filter((o) => o.kind === 'PrometheusRule')
        .flatMap((o) => o.spec.groups.flatMap((g: Obj) => g.rules as Obj[]));
    const rules = await rulesOf(fullInstall);
    const pool = rules.find((r) => r.alert === 'N3rEgressPoolNearlyFull');
    expect(pool?.expr).toContain(`n3r_egress_pool_addresses{namespace="${namespace}",state="used"}`);
    expect(pool?.expr).toMatch(/^max by \(cluster\) \(/);
    expect(pool?.expr).toMatch(/\) > 0\.8$/);
    expect(pool?.for).toBe('15m');
    expect(pool?.annotations.summary).toContain('{{ $labels.cluster }}');
    const duplicate = rules.find((r) => r.alert === 'N3rEgressIpDuplicate');
    expect(duplicate?.expr).toBe(`max by (cluster) (n3r_egress_ip_duplicates{namespace="${namespace}"}) > 0`);
    const tuned = await rulesOf([...fullInstall, 'prometheusRule.egressPoolUsedRatio=0.9']);
    expect(tuned.find((r) => r.alert === 'N3rEgressPoolNearlyFull')?.expr).toMatch(/\) > 0\.9$/);
    await expect(render([...fullInstall, 'prometheusRule.egressPoolUsedRatio=80'])).rejects.toThrow(
      /egressPoolUsedRatio/,
    );
  });

  it('renders a cluster registry that n3r accepts', async () => {
    const objects = await render();
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    const registry = parseClusterRegistry(configMap?.data['registry.yaml'], 'the chart ConfigMap');
    expect(registry.clusters.map((c) => c.kubeContext)).toEqual(['inClusterContext']);
  });

  it('refuses to render without the Slack and Redis secrets, saying which value is missing', async () => {
    await expect(render(['slack.existingSecret='])).rejects.toThrow(/slack\.existingSecret is required/);
    await expect(render(['redis.existingSecret='])).rejects.toThrow(/redis\.existingSecret is required/);
    await expect(render(['slack.mode=websocket'])).rejects.toThrow(/slack\.mode/);
  });

  it('refuses a bundle server without the keys its bundles are verified with, unless told to load them unsigned', async () => {
    const bundleUrl = 'policy.bundleUrl=https://bundles.example/n3r/{type}.tar.gz';
    await expect(render([bundleUrl])).rejects.toThrow(
      /policy\.verificationKeys\.existingSecret is required with policy\.bundleUrl/,
    );
    const objects = await render([bundleUrl, 'policy.allowUnsigned=true']);
    const [bot] = objects.filter((o) => o.kind === 'Deployment');
    expect(bot?.spec.template.spec.containers[0].env).toContainEqual({
      name: 'N3R_BUNDLE_ALLOW_UNSIGNED',
      value: 'true',
    });
  });
});

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { RawObjectApi } from '../../src/executors/kube-object-api.js';
import { writeKubeconfig } from './kubeconfig.js';
import { createPki, identities } from './pki.js';
import { freePort, type ProcessGroup, waitUntil } from './processes.js';

export interface ControlPlaneBinaries {
  etcd: string;
  kubeBinDir: string;
  kwok: string;
  kwokStages: string;
}

export interface ControlPlane {
  server: string;
  /** system:masters: for set-up and for tests that read objects back. */
  adminKubeconfig: string;
  /** The executor identity (RBAC-limited), with one context per local cluster. */
  executorKubeconfig: string;
  /** A team member without platform rights, for RBAC tests. */
  developerKubeconfig: string;
  pkiDir: string;
  /** The etcd the apiserver stores in; extra clusters share it under their own prefix. */
  etcdUrl: string;
}

/** The contexts of the executor kubeconfig; the local cluster registry names them. */
export const localContexts = [
  'local-public',
  'local-dedicated',
  'local-stateful',
  // The rest of the public region pair: here on the same apiserver; extra-clusters.ts gives each its own.
  'local-public-b',
  'local-public2-a',
  'local-public2-b',
];

/**
 * etcd, kube-apiserver (TLS, RBAC), kube-controller-manager, kube-scheduler and kwok with one fake node,
 * all on loopback; then the CRDs under shared/crds and the executor's RBAC from deploy/.
 */
export async function startControlPlane(args: {
  group: ProcessGroup;
  binaries: ControlPlaneBinaries;
  stateDir: string;
  crdDir: string;
  rbacDir: string;
  progress: (line: string) => void;
}): Promise<ControlPlane> {
  const { group, binaries, stateDir } = args;
  const pkiDir = join(stateDir, 'pki');
  mkdirSync(pkiDir, { recursive: true });
  await createPki(pkiDir);
  const tls = {
    ca: readFileSync(join(pkiDir, 'ca.crt')),
    cert: readFileSync(join(pkiDir, 'admin.crt')),
    key: readFileSync(join(pkiDir, 'admin.key')),
  };

  const [etcdPort, peerPort, apiPort, kcmPort, schedulerPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const etcd = group.start('etcd', binaries.etcd, [
    '--name=n3r',
    `--data-dir=${join(stateDir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=n3r=http://127.0.0.1:${peerPort}`,
    '--listen-metrics-urls=',
    '--unsafe-no-fsync',
    '--log-level=warn',
  ]);
  await waitUntil('etcd', () => answersOk(`${etcdUrl}/health`), { timeoutMs: 30_000, process: etcd });
  args.progress('etcd ready');

  const bin = (name: string) => join(binaries.kubeBinDir, name);
  const pki = (file: string) => join(pkiDir, file);
  const apiserver = group.start(
    'kube-apiserver',
    bin('kube-apiserver'),
    apiserverFlags({ etcdUrl, port: apiPort, pkiDir, certDir: join(stateDir, 'apiserver-certs') }),
  );
  const server = `https://127.0.0.1:${apiPort}`;
  await waitUntil('kube-apiserver', () => answersOk(`${server}/readyz`, tls), {
    timeoutMs: 120_000,
    process: apiserver,
  });
  args.progress('kube-apiserver ready');

  const kubeconfig = (
    name: string,
    identity: (typeof identities)[keyof typeof identities],
    contexts: string[],
  ) => writeKubeconfig({ pkiDir, server, identity, contexts, path: join(stateDir, `${name}.kubeconfig`) });
  const adminKubeconfig = kubeconfig('admin', identities.admin, ['admin']);
  const executorKubeconfig = kubeconfig('executor', identities.executor, localContexts);
  const developerKubeconfig = kubeconfig('developer', identities.developer, ['developer']);

  group.start('kube-controller-manager', bin('kube-controller-manager'), [
    `--kubeconfig=${kubeconfig('kcm', identities.controllerManager, ['kcm'])}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${kcmPort}`,
    '--leader-elect=false',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${pki('sa.key')}`,
    `--root-ca-file=${pki('ca.crt')}`,
    `--cluster-signing-cert-file=${pki('ca.crt')}`,
    `--cluster-signing-key-file=${pki('ca.key')}`,
  ]);
  group.start('kube-scheduler', bin('kube-scheduler'), [
    `--kubeconfig=${kubeconfig('scheduler', identities.scheduler, ['scheduler'])}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${schedulerPort}`,
    '--leader-elect=false',
  ]);
  // --node-ip keeps every apiserver-to-"kubelet" call on loopback; pod IPs from --cidr are bookkeeping only.
  group.start('kwok', binaries.kwok, kwokFlags(adminKubeconfig, binaries.kwokStages));

  const crdCount = await installClusterBasics({
    adminKubeconfig,
    crdDir: args.crdDir,
    rbacDir: args.rbacDir,
  });
  args.progress(`control plane ready: ${crdCount} CRDs installed, fake node kwok-node-0`);
  return { server, adminKubeconfig, executorKubeconfig, developerKubeconfig, pkiDir, etcdUrl };
}

export const fakeNode: KubernetesObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'kwok-node-0',
    annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    labels: {
      'kubernetes.io/hostname': 'kwok-node-0',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      type: 'kwok',
    },
  },
};

/** Every document of every .yaml file below a directory (recursively), in a stable order. */
export function loadManifests(dir: string): KubernetesObject[] {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as KubernetesObject | null)
      .filter((object): object is KubernetesObject => object?.kind !== undefined),
  );
}

// Server-side apply: the largest CRDs exceed the last-applied annotation limit of client-side apply.
export async function apply(api: RawObjectApi, objects: KubernetesObject[]): Promise<void> {
  for (const object of objects) await api.apply(object, { fieldManager: 'n3r-local-stack' });
}

export async function allEstablished(api: RawObjectApi, crds: KubernetesObject[]): Promise<boolean> {
  for (const crd of crds) {
    if (crd.kind !== 'CustomResourceDefinition' || !crd.metadata?.name) continue;
    const live = (await api.read({
      apiVersion: crd.apiVersion ?? '',
      kind: crd.kind,
      metadata: { name: crd.metadata.name },
    })) as {
      status?: { conditions?: { type: string; status: string }[] };
    };
    if (!live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
  }
  return true;
}

/** Whether a health endpoint answers 200; over https with the client certificate when `tls` is given. */
export function answersOk(url: string, tls?: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<boolean> {
  return new Promise((resolve) => {
    const send = tls ? httpsRequest : httpRequest;
    const req = send(url, { ...tls, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * The flags of a local kube-apiserver on loopback with TLS, RBAC and the shared PKI; `etcdPrefix` lets
 * several apiservers keep apart clusters on one etcd.
 */
export function apiserverFlags(args: {
  etcdUrl: string;
  port: number;
  pkiDir: string;
  certDir: string;
  etcdPrefix?: string;
}): string[] {
  const pki = (file: string) => join(args.pkiDir, file);
  return [
    `--etcd-servers=${args.etcdUrl}`,
    ...(args.etcdPrefix ? [`--etcd-prefix=${args.etcdPrefix}`] : []),
    '--bind-address=127.0.0.1',
    `--secure-port=${args.port}`,
    // No default route here, so the advertise address is loopback; 'none' keeps the apiserver from
    // publishing that address as the kubernetes Service's endpoint (loopback endpoints are invalid).
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--tls-cert-file=${pki('apiserver.crt')}`,
    `--tls-private-key-file=${pki('apiserver.key')}`,
    `--cert-dir=${args.certDir}`,
    `--client-ca-file=${pki('ca.crt')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki('sa.key')}`,
    `--service-account-signing-key-file=${pki('sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
  ];
}

/** kwok with one fake node, every apiserver-to-"kubelet" call kept on loopback. */
export function kwokFlags(adminKubeconfig: string, stagesFile: string): string[] {
  return [
    `--kubeconfig=${adminKubeconfig}`,
    `--config=${stagesFile}`,
    '--manage-all-nodes=true',
    '--node-ip=127.0.0.1',
    '--cidr=10.244.0.0/24',
    '--node-lease-duration-seconds=40',
  ];
}

/** The fake node, the CRDs and the executor's RBAC, applied as admin; waits until every CRD is established. */
export async function installClusterBasics(args: {
  adminKubeconfig: string;
  crdDir: string;
  rbacDir: string;
  /** Names the cluster in a timeout message. */
  label?: string;
}): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(args.adminKubeconfig);
  const api = RawObjectApi.fromKubeConfig(kc);
  await apply(api, [fakeNode]);
  const crds = loadManifests(args.crdDir);
  await apply(api, crds);
  await apply(api, loadManifests(args.rbacDir));
  await waitUntil(`${args.label ? `${args.label} ` : ''}CRDs established`, () => allEstablished(api, crds), {
    timeoutMs: 60_000,
  });
  return crds.length;
}

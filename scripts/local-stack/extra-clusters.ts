import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  answersOk,
  apiserverFlags,
  type ControlPlaneBinaries,
  installClusterBasics,
  kwokFlags,
  localContexts,
} from './control-plane.js';
import { writeKubeconfig } from './kubeconfig.js';
import { identities } from './pki.js';
import { freePort, type ProcessGroup, type Started, waitUntil } from './processes.js';

/** A cluster of its own: an apiserver over the shared etcd, with its own controllers and fake node. */
export interface ExtraCluster {
  name: string;
  server: string;
  adminKubeconfig: string;
  apiserver: Started;
  /** Every process of this cluster, by name, for measuring and stopping. */
  processes: Started[];
}

/**
 * Starts another Kubernetes cluster next to the local control plane: a kube-apiserver on the same etcd
 * under its own `--etcd-prefix` (so its objects never meet the other clusters'), the same PKI (one CA
 * signs every cluster's serving certificate; identities are the same people everywhere), a
 * kube-controller-manager, a kube-scheduler and kwok with one fake node, so Deployments roll out to
 * Running pods as on the main plane. Then the CRDs and the executor's RBAC.
 */
export async function startExtraCluster(args: {
  name: string;
  group: ProcessGroup;
  binaries: ControlPlaneBinaries;
  etcdUrl: string;
  pkiDir: string;
  stateDir: string;
  crdDir: string;
  rbacDir: string;
}): Promise<ExtraCluster> {
  const { group, binaries, pkiDir, name } = args;
  const dir = join(args.stateDir, name);
  mkdirSync(dir, { recursive: true });
  const [apiPort, kcmPort, schedulerPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const bin = (file: string) => join(binaries.kubeBinDir, file);
  const pki = (file: string) => join(pkiDir, file);
  const processes: Started[] = [];
  const start = (component: string, command: string, flags: string[]) => {
    const started = group.start(`${name}-${component}`, command, flags);
    processes.push(started);
    return started;
  };

  const apiserver = start(
    'kube-apiserver',
    bin('kube-apiserver'),
    apiserverFlags({
      etcdUrl: args.etcdUrl,
      etcdPrefix: `/clusters/${name}`,
      port: apiPort,
      pkiDir,
      certDir: join(dir, 'apiserver-certs'),
    }),
  );
  const server = `https://127.0.0.1:${apiPort}`;
  const tls = {
    ca: readFileSync(pki('ca.crt')),
    cert: readFileSync(pki('admin.crt')),
    key: readFileSync(pki('admin.key')),
  };
  await waitUntil(`${name} kube-apiserver`, () => answersOk(`${server}/readyz`, tls), {
    timeoutMs: 120_000,
    process: apiserver,
  });

  const kubeconfig = (file: string, identity: (typeof identities)[keyof typeof identities]) =>
    writeKubeconfig({ pkiDir, server, identity, contexts: [file], path: join(dir, `${file}.kubeconfig`) });
  const adminKubeconfig = kubeconfig('admin', identities.admin);
  // Only the controllers a rollout needs: Deployments make ReplicaSets make Pods (which need the namespace's
  // default ServiceAccount) on a node the lifecycle controller has cleared of its not-ready taint; the
  // garbage collector removes what a rollback or removal leaves behind, the namespace controller what a
  // deleted namespace held.
  start('kube-controller-manager', bin('kube-controller-manager'), [
    `--kubeconfig=${kubeconfig('kcm', identities.controllerManager)}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${kcmPort}`,
    '--leader-elect=false',
    '--use-service-account-credentials=true',
    `--controllers=${[
      'deployment-controller',
      'replicaset-controller',
      'serviceaccount-controller',
      'serviceaccount-token-controller',
      'node-lifecycle-controller',
      'garbage-collector-controller',
      'namespace-controller',
    ].join(',')}`,
    `--service-account-private-key-file=${pki('sa.key')}`,
    `--root-ca-file=${pki('ca.crt')}`,
  ]);
  start('kube-scheduler', bin('kube-scheduler'), [
    `--kubeconfig=${kubeconfig('scheduler', identities.scheduler)}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${schedulerPort}`,
    '--leader-elect=false',
  ]);
  start('kwok', binaries.kwok, kwokFlags(adminKubeconfig, binaries.kwokStages));
  await installClusterBasics({ adminKubeconfig, crdDir: args.crdDir, rbacDir: args.rbacDir, label: name });
  return { name, server, adminKubeconfig, apiserver, processes };
}

/**
 * A kubeconfig for one identity whose contexts lead to different apiservers (all signed by the one local
 * CA): `contexts` maps a context name to its server.
 */
export function writeMultiClusterKubeconfig(args: {
  pkiDir: string;
  identity: (typeof identities)[keyof typeof identities];
  contexts: Record<string, string>;
  path: string;
}): string {
  const base64 = (file: string) => readFileSync(join(args.pkiDir, file)).toString('base64');
  const names = Object.keys(args.contexts);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((name) => ({
      name,
      cluster: { server: args.contexts[name], 'certificate-authority-data': base64('ca.crt') },
    })),
    users: [
      {
        name: args.identity.user,
        user: {
          'client-certificate-data': base64(`${args.identity.file}.crt`),
          'client-key-data': base64(`${args.identity.file}.key`),
        },
      },
    ],
    contexts: names.map((name) => ({ name, context: { cluster: name, user: args.identity.user } })),
    'current-context': names[0],
  };
  writeFileSync(args.path, stringify(config), { mode: 0o600 });
  return args.path;
}

/** The other three clusters of the local registry's public region pair, and their executor contexts. */
export const localPairContexts = {
  'pub-local-b': 'local-public-b',
  'pub-local2-a': 'local-public2-a',
  'pub-local2-b': 'local-public2-b',
} as const;

export interface LocalPair {
  clusters: ExtraCluster[];
  /**
   * Writes an executor kubeconfig whose pair contexts lead to their own apiservers and the rest to the
   * shared one; `overrides` maps a context to another server (a closed port, a relay).
   */
  executorKubeconfig(name: string, overrides?: Record<string, string>): string;
}

/** Starts the local pair's other three clusters next to the control plane at `server`, side by side. */
export async function startLocalPair(args: {
  group: ProcessGroup;
  binaries: ControlPlaneBinaries;
  etcdUrl: string;
  pkiDir: string;
  /** The shared apiserver, where the other contexts (pub-local-a and the other types) lead. */
  server: string;
  stateDir: string;
  crdDir: string;
  rbacDir: string;
}): Promise<LocalPair> {
  const names = Object.keys(localPairContexts) as (keyof typeof localPairContexts)[];
  const clusters = await Promise.all(names.map((name) => startExtraCluster({ ...args, name })));
  return {
    clusters,
    executorKubeconfig: (name, overrides = {}) =>
      writeMultiClusterKubeconfig({
        pkiDir: args.pkiDir,
        identity: identities.executor,
        contexts: {
          ...Object.fromEntries(localContexts.map((context) => [context, args.server])),
          ...Object.fromEntries(
            clusters.map((c) => [localPairContexts[c.name as keyof typeof localPairContexts], c.server]),
          ),
          ...overrides,
        },
        path: join(args.stateDir, `${name}.kubeconfig`),
      }),
  };
}

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Identity {
  /** Base name of the .crt/.key files. */
  file: string;
  user: string;
  groups: string[];
}

/** The identities of the local control plane: components, the admin, the bot's executor, a plain user. */
export const identities = {
  admin: { file: 'admin', user: 'n3r-admin', groups: ['system:masters'] },
  controllerManager: { file: 'kcm', user: 'system:kube-controller-manager', groups: [] },
  scheduler: { file: 'scheduler', user: 'system:kube-scheduler', groups: [] },
  executor: { file: 'executor', user: 'n3r-executor', groups: ['n3r:executors'] },
  developer: { file: 'developer', user: 'dev-alice', groups: ['team-a'] },
} satisfies Record<string, Identity>;

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** A CA, the apiserver's serving certificate, client certificates per identity and the service-account key. */
export async function createPki(dir: string): Promise<void> {
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '3650',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=n3r-local-ca',
  ]);
  writeFileSync(
    join(dir, 'serving.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n',
  );
  await signed(dir, 'apiserver', '/CN=kube-apiserver', 'serving.ext');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  // One at a time: openssl's serial file is not safe for concurrent signing.
  for (const identity of Object.values(identities)) {
    await signed(
      dir,
      identity.file,
      `/CN=${identity.user}${identity.groups.map((g) => `/O=${g}`).join('')}`,
      'client.ext',
    );
  }
  await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
}

async function signed(dir: string, file: string, subject: string, extFile: string): Promise<void> {
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${file}.key`,
    '-out',
    `${file}.csr`,
    '-subj',
    subject,
  ]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${file}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '3650',
    '-out',
    `${file}.crt`,
    '-extfile',
    extFile,
  ]);
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Identity } from './pki.js';

const base64 = (path: string) => readFileSync(path).toString('base64');

/**
 * Writes a kubeconfig for one identity with the given contexts, all on the local apiserver. The local
 * registry's three clusters (one per type) are three contexts on the same control plane.
 */
export function writeKubeconfig(args: {
  pkiDir: string;
  server: string;
  identity: Identity;
  contexts: string[];
  path: string;
}): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'n3r-local',
        cluster: { server: args.server, 'certificate-authority-data': base64(join(args.pkiDir, 'ca.crt')) },
      },
    ],
    users: [
      {
        name: args.identity.user,
        user: {
          'client-certificate-data': base64(join(args.pkiDir, `${args.identity.file}.crt`)),
          'client-key-data': base64(join(args.pkiDir, `${args.identity.file}.key`)),
        },
      },
    ],
    contexts: args.contexts.map((name) => ({
      name,
      context: { cluster: 'n3r-local', user: args.identity.user },
    })),
    'current-context': args.contexts[0],
  };
  writeFileSync(args.path, stringify(config), { mode: 0o600 });
  return args.path;
}

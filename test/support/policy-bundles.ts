import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);

/** A decision document in the contract's shape, as Rego text, for hand-made test bundles. */
export const denyAllDecision = (rule: string) =>
  `{"allow": false, "deny": [{"rule": "${rule}", "message": "refused by ${rule}"}], "approval": {"required": false, "groups": [], "count": 0, "expires_in": "0s", "reasons": []}, "warnings": [], "obligations": {"marker": data.marker}}`;

/** How `opa build --signing-key` signs a bundle. */
export interface BundleSigning {
  /** A PEM file with the private key (RS, PS, ES), or the HMAC secret itself (HS). */
  key: string;
  /** `--signing-alg`. @defaultValue RS256 */
  algorithm?: string;
  /** The `kid` the JWT names (`--verification-key-id`). @defaultValue default */
  keyId?: string;
  /** Extra claims (`--claims-file`), e.g. a scope. */
  claims?: Record<string, unknown>;
}

/**
 * Compiles Rego with the real opa CLI into `<dir>/<type>/` laid out as build-policies.sh lays it out,
 * and returns the bundle archive too, as a bundle server would serve it. With `sign`, opa signs the
 * bundle (bundle mode: the Rego file lands in the archive under `regoPath`).
 */
export async function compileBundle(args: {
  dir: string;
  type: string;
  rego: string;
  /** The data, or data.json's text as written. @defaultValue {} */
  data?: Record<string, unknown> | string;
  revision: string;
  sign?: BundleSigning;
  /** Where the Rego file sits in a signed bundle. @defaultValue policy.rego */
  regoPath?: string;
}): Promise<Buffer> {
  const src = mkdtempSync(join(tmpdir(), 'n3r-rego-'));
  try {
    const archive = join(src, 'bundle.tar.gz');
    const data = typeof args.data === 'string' ? args.data : JSON.stringify(args.data ?? {});
    const common = ['build', '-t', 'wasm', '-e', `n3r/${args.type}/decision`, '--revision', args.revision];
    if (args.sign) {
      const root = join(src, 'bundle');
      const regoFile = join(root, args.regoPath ?? 'policy.rego');
      mkdirSync(dirname(regoFile), { recursive: true });
      writeFileSync(regoFile, args.rego);
      writeFileSync(join(root, 'data.json'), data);
      const claims = join(src, 'claims.json');
      if (args.sign.claims) writeFileSync(claims, JSON.stringify(args.sign.claims));
      await run(
        inject('stack').opa,
        [
          ...common,
          '--bundle',
          '--signing-key',
          args.sign.key,
          '--signing-alg',
          args.sign.algorithm ?? 'RS256',
          ...(args.sign.keyId ? ['--verification-key-id', args.sign.keyId] : []),
          ...(args.sign.claims ? ['--claims-file', claims] : []),
          '-o',
          archive,
          '.',
        ],
        { cwd: root },
      );
    } else {
      writeFileSync(join(src, 'policy.rego'), args.rego);
      writeFileSync(join(src, 'data.json'), data);
      await run(inject('stack').opa, [
        ...common,
        '-o',
        archive,
        join(src, 'policy.rego'),
        join(src, 'data.json'),
      ]);
    }
    const target = join(args.dir, args.type);
    mkdirSync(target, { recursive: true });
    await run('tar', ['-xzf', archive, '-C', target]);
    return readFileSync(archive);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

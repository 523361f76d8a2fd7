import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);

/** A decision document in the contract's shape, as Rego text, for hand-made test bundles. */
export const denyAllDecision = (rule: string) =>
  `{"allow": false, "deny": [{"rule": "${rule}", "message": "refused by ${rule}"}], "approval": {"required": false, "groups": [], "count": 0, "expires_in": "0s", "reasons": []}, "warnings": [], "obligations": {"marker": data.marker}}`;

/**
 * Compiles Rego with the real opa CLI into `<dir>/<type>/` laid out as build-policies.sh lays it out,
 * and returns the bundle archive too, as a bundle server would serve it.
 */
export async function compileBundle(args: {
  dir: string;
  type: string;
  rego: string;
  data?: Record<string, unknown>;
  revision: string;
}): Promise<Buffer> {
  const src = mkdtempSync(join(tmpdir(), 'n3r-rego-'));
  try {
    writeFileSync(join(src, 'policy.rego'), args.rego);
    writeFileSync(join(src, 'data.json'), JSON.stringify(args.data ?? {}));
    const archive = join(src, 'bundle.tar.gz');
    await run(inject('stack').opa, [
      'build',
      '-t',
      'wasm',
      '-e',
      `n3r/${args.type}/decision`,
      '--revision',
      args.revision,
      '-o',
      archive,
      join(src, 'policy.rego'),
      join(src, 'data.json'),
    ]);
    const target = join(args.dir, args.type);
    mkdirSync(target, { recursive: true });
    await run('tar', ['-xzf', archive, '-C', target]);
    return readFileSync(archive);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

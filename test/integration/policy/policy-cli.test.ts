import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../../scripts/local-stack/stack.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'n3r-cli-'));

async function policyCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'scripts/policy-cli.ts'), ...args],
      { cwd: projectRoot },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return failed;
  }
}

describe('npm run policy -- eval', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('prints the decision the compiled bundle gives for an input file', async () => {
    const file = join(scratch, 'input.json');
    writeFileSync(
      file,
      JSON.stringify({
        request: {
          id: 'r-cli',
          kind: 'namespace.create',
          params: {
            name: 'web',
            team: 'team-a',
            cpu_millicores: 1000,
            memory_bytes: 2 ** 30,
            take_over: false,
          },
          requester: { slack_id: 'U1', email: null, groups: ['team-a'] },
        },
        cluster: { name: 'pub', type: 'public', region: 'kr1' },
        approvals: [],
        context: { namespace: { exists: false, team: null, request_id: null } },
      }),
    );
    const result = await policyCli([
      'eval',
      '--type',
      'public',
      '--input',
      file,
      '--bundles',
      inject('stack').policyDir,
    ]);
    expect(result.code).toBe(0);
    const decision = JSON.parse(result.stdout) as {
      allow: boolean;
      deny: { rule: string }[];
      revision: string;
    };
    expect(decision.allow).toBe(false);
    expect(decision.deny.map((d) => d.rule)).toContain('namespace.name.team_prefix');
    expect(decision.revision).toMatch(/^public-/);
  });

  it('answers a missing or unknown type with its usage and exit code 2', async () => {
    const result = await policyCli(['eval', '--type', 'private', '--input', 'x.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('eval needs --type (public|dedicated|stateful)');
  });
});

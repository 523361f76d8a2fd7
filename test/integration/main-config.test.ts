import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local-stack/stack.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'n3r-main-'));

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe('starting the bot with bad configuration', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('exits non-zero with every problem of the settings, and leaks no secret', async () => {
    const result = await start({ SLACK_BOT_TOKEN: 'xoxp-secret-user-token', PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('n3r: settings are invalid:');
    expect(result.stderr).toContain('SLACK_BOT_TOKEN: must be a bot token');
    expect(result.stderr).toContain('PORT:');
    expect(result.stderr).toContain('N3R_REGISTRY:');
    expect(result.stderr).not.toContain('secret-user-token');
  });

  it('exits non-zero with every problem of an invalid cluster registry', async () => {
    const registry = join(scratch, 'registry.yaml');
    writeFileSync(registry, 'clusters: []\napproverChannels: {}\n');
    const result = await start({
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: '0123456789abcdef',
      N3R_REGISTRY: registry,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`n3r: cluster registry ${registry} is invalid (6 problems):`);
    expect(result.stderr).toContain('clusters: must list at least one cluster');
    expect(result.stderr).toContain('approverChannels.public:');
    expect(result.stderr).toContain('groups:');
  });
});

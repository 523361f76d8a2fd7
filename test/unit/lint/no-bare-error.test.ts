import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const biome = join(root, 'node_modules/.bin/biome');

/** Biome run with this repository's configuration over a scratch tree holding `files`. */
function lint(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'n3r-lint-'));
  dirs.push(dir);
  cpSync(join(root, 'biome.json'), join(dir, 'biome.json'));
  cpSync(join(root, 'lint'), join(dir, 'lint'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = spawnSync(biome, ['lint', '--vcs-enabled=false', '--colors=off', ...Object.keys(files)], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the lint rule against bare errors', () => {
  it('fails on new Error and Error() in src/, naming the place and the coded errors to use', () => {
    const { status, output } = lint({
      'src/probe.ts': "export const a = new Error('x');\nexport const b = Error('y');\n",
    });
    expect(status).not.toBe(0);
    expect(output).toContain('src/probe.ts:1:18');
    expect(output).toContain('src/probe.ts:2:18');
    expect(output).toContain('Throw a coded error from src/errors.ts');
  });

  it('passes coded errors in src/, and bare errors in tests, scripts and benchmarks', () => {
    const bare = "export const a = new Error('x');\n";
    const { status, output } = lint({
      'src/probe.ts':
        "import { AppError } from './errors.js';\nexport const a = new AppError('INTERNAL', 'x');\n",
      'test/probe.ts': bare,
      'scripts/probe.ts': bare,
      'bench/probe.ts': bare,
      'devtools/probe.ts': bare,
    });
    expect(output).not.toContain('Throw a coded error');
    expect(status).toBe(0);
  });
});

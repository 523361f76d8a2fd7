import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../scripts/local-stack/stack.js';

const run = promisify(execFile);

interface Stage {
  from: string;
  name: string | null;
  lines: string[];
}

/** The Dockerfile's stages with their instructions (continuation lines joined, comments dropped). */
function stagesOf(text: string): { args: Record<string, string>; stages: Stage[] } {
  const instructions = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1] as string, name: from[2] ?? null, lines: [] });
    else if (stages.length === 0 && /^ARG /.test(line)) {
      const [key, value = ''] = line.slice(4).split('=');
      args[key as string] = value;
    } else stages.at(-1)?.lines.push(line);
  }
  return { args, stages };
}

const dockerfile = readFileSync(join(projectRoot, 'deploy/Dockerfile'), 'utf8');
const { args, stages } = stagesOf(dockerfile);
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const runtime = stages.at(-1) as Stage;
const image = (from: string) => from.replace(/^\$\{(\w+)\}$/, (_, key: string) => args[key] ?? key);

describe('deploy/Dockerfile', () => {
  const outDir = mkdtempSync(join(projectRoot, 'node_modules', '.n3r-dist-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds in stages and runs on Node 24 slim', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'gotoolchain', 'policies', 'deps', 'runtime']);
    expect(image(runtime.from)).toBe('node:24-slim');
    expect(runtime.lines.filter((l) => /^RUN /.test(l))).toEqual([]);
  });

  it('runs as a non-root user', () => {
    const users = runtime.lines.filter((l) => l.startsWith('USER '));
    expect(users).toHaveLength(1);
    const user = (users[0] as string).slice(5).split(':')[0];
    expect(user).not.toMatch(/^(0|root)$/);
  });

  it('ships production dependencies only, compiled code and compiled policies', () => {
    expect(stage('deps').lines).toContainEqual(expect.stringMatching(/^RUN npm ci --omit=dev\b/));
    const copies = runtime.lines.filter((l) => l.startsWith('COPY'));
    const fromStage = (s: string) => copies.filter((l) => l.includes(`--from=${s} `));
    expect(fromStage('deps').join()).toContain('/app/node_modules');
    expect(fromStage('build')).toHaveLength(1);
    expect(fromStage('build')[0]).toContain('/src/dist');
    expect(fromStage('policies')[0]).toContain('/out/policies');
    expect(copies.some((l) => / (src|test|scripts)\b/.test(l) && !l.includes('--from='))).toBe(false);
    expect(runtime.lines).toContainEqual('ENTRYPOINT ["node", "--enable-source-maps", "dist/main.js"]');
    expect(stage('policies').lines).toContainEqual(expect.stringContaining('scripts/build-policies.sh'));
  });

  it('copies only files that exist in the repository', () => {
    for (const s of stages) {
      for (const line of s.lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
        const sources = line
          .split(/\s+/)
          .slice(1, -1)
          .filter((w) => !w.startsWith('--'));
        for (const source of sources) expect(existsSync(join(projectRoot, source)), source).toBe(true);
      }
    }
  });

  it("compiles with the image's build step, and the compiled entry point runs without tsx", async () => {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: projectRoot });
    const started = await run(process.execPath, [join(outDir, 'main.js')], {
      env: { PATH: process.env.PATH ?? '', N3R_ROLE: 'worker' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('n3r: settings are invalid:');
    expect(started.stderr).toContain('SLACK_BOT_TOKEN');
  }, 120_000);
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { projectRoot } from '../../scripts/local-stack/stack.js';

const run = promisify(execFile);

/** Headless Debian chromium, installed by scripts/ensure-tools.sh when missing (instant when it is there). */
export async function launchChromium(): Promise<Browser> {
  const child = run('bash', [join(projectRoot, 'scripts/ensure-tools.sh'), 'chromium'], {
    maxBuffer: 1 << 20,
  });
  child.child.stderr?.pipe(process.stderr);
  const { stdout } = await child;
  const executablePath = /^N3R_CHROMIUM=(.+)$/m.exec(stdout)?.[1];
  if (!executablePath) throw new Error('scripts/ensure-tools.sh chromium did not report N3R_CHROMIUM');
  return chromium.launch({ executablePath, headless: true });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on loopback, chosen by the kernel, so concurrent runs never collide. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

export interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
}

/**
 * The processes one stack started. They are stopped by PID, newest first, and only these: nothing is
 * ever stopped by name.
 */
export class ProcessGroup {
  readonly #started: Started[] = [];

  constructor(private readonly logDir: string) {}

  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
    const logFile = join(this.logDir, `${name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const started = { name, child, logFile };
    this.#started.push(started);
    return started;
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.#started.map((s) => [s.name, s.child.pid]));
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    for (const started of [...this.#started].reverse()) await stop(started.child, graceMs);
    this.#started.length = 0;
  }
}

async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const outcome = await Promise.race([exited.then(() => 'exited'), sleep(graceMs).then(() => 'timeout')]);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Polls until `check` answers true; fails with the process's log tail when it exits or time runs out. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; process?: Started },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const child = options.process?.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `${what}: process exited (${child.exitCode ?? child.signalCode}); see ${options.process?.logFile}`,
      );
    }
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(
    `${what}: not ready after ${options.timeoutMs / 1000}s${options.process ? `; see ${options.process.logFile}` : ''}`,
  );
}

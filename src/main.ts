// The process entry point: `node --import tsx src/main.ts` (N3R_ROLE=bot|worker|all).
import { loadClusterRegistry } from './config/cluster-registry.js';
import { loadSettings } from './config/settings.js';
import { AppError } from './errors.js';
import { knownSecrets } from './known-secrets.js';
import { createLogger } from './logger.js';
import { startN3r } from './start-n3r.js';

try {
  const settings = loadSettings();
  const log = createLogger({
    level: settings.logLevel,
    role: settings.role,
    secrets: knownSecrets(settings),
  });
  const registry = loadClusterRegistry(settings.registryPath);
  const running = await startN3r(settings, registry, log);
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  // Configuration problems are for a person to read, not a stack trace.
  process.stderr.write(
    `n3r: ${error instanceof AppError ? error.message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
}

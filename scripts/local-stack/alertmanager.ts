import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type ProcessGroup, waitUntil } from './processes.js';

/** Where Alertmanager sends its notifications: the bot's webhook, with its bearer token. */
export interface AlertmanagerReceiver {
  webhookUrl: string;
  bearerToken: string;
}

/** Grouping and timing of the one route; short by default so tests see notifications quickly. */
export interface AlertmanagerTiming {
  /** @defaultValue ['alertname', 'cluster', 'namespace', 'team'] */
  groupBy?: string[];
  /** @defaultValue 1s */
  groupWait?: string;
  /** @defaultValue 1s */
  groupInterval?: string;
  /** @defaultValue 4h */
  repeatInterval?: string;
}

export interface RunningAlertmanager {
  url: string;
  /**
   * Rewrites the configuration and has Alertmanager reload it (POST /-/reload). Several receivers: each
   * notification goes to every one (as to several bot replicas behind separate addresses).
   */
  configure(
    receiver: AlertmanagerReceiver | AlertmanagerReceiver[],
    timing?: AlertmanagerTiming,
  ): Promise<void>;
}

/**
 * A real Alertmanager on a free loopback port, without HA gossip (`--cluster.listen-address=` empty, so
 * nothing listens on 0.0.0.0:9094), its data in `stateDir`. It starts with a receiver that goes nowhere
 * until `configure` points it at the bot.
 */
export async function startAlertmanager(
  group: ProcessGroup,
  binary: string,
  stateDir: string,
  name = 'alertmanager',
): Promise<RunningAlertmanager> {
  const dir = join(stateDir, name);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml([], {}));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = group.start(name, binary, [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${url}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  await waitUntil(name, async () => (await fetch(`${url}/-/ready`)).ok, {
    timeoutMs: 20_000,
    process: started,
  });
  return {
    url,
    configure: async (receiver, timing = {}) => {
      writeFileSync(configFile, configYaml([receiver].flat(), timing), { mode: 0o600 });
      const reloaded = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!reloaded.ok) {
        throw new Error(`alertmanager refused its new configuration: ${(await reloaded.text()).trim()}`);
      }
    },
  };
}

function configYaml(receivers: AlertmanagerReceiver[], timing: AlertmanagerTiming): string {
  const groupBy = (timing.groupBy ?? ['alertname', 'cluster', 'namespace', 'team'])
    .map((l) => JSON.stringify(l))
    .join(', ');
  const webhook = receivers.length
    ? [
        '    webhook_configs:',
        ...receivers.flatMap((receiver) => [
          `      - url: ${JSON.stringify(receiver.webhookUrl)}`,
          '        send_resolved: true',
          '        http_config:',
          '          authorization:',
          '            type: Bearer',
          `            credentials: ${JSON.stringify(receiver.bearerToken)}`,
        ]),
      ]
    : [];
  return [
    'route:',
    '  receiver: n3r',
    `  group_by: [${groupBy}]`,
    `  group_wait: ${timing.groupWait ?? '1s'}`,
    `  group_interval: ${timing.groupInterval ?? '1s'}`,
    `  repeat_interval: ${timing.repeatInterval ?? '4h'}`,
    'receivers:',
    '  - name: n3r',
    ...webhook,
    '',
  ].join('\n');
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import {
  type AlertmanagerReceiver,
  type AlertmanagerTiming,
  startAlertmanager,
} from '../../scripts/local-stack/alertmanager.js';
import { ProcessGroup } from '../../scripts/local-stack/processes.js';

/** An alert as a test posts it to Alertmanager's `POST /api/v2/alerts`. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface TestAlertmanager {
  url: string;
  configure(
    receiver: AlertmanagerReceiver | AlertmanagerReceiver[],
    timing?: AlertmanagerTiming,
  ): Promise<void>;
  /** Fires (or, with `endsAt` in the past, resolves) alerts through Alertmanager's own API. */
  post(alerts: PostableAlert[]): Promise<void>;
  /** Resolves alerts: the same labels with `endsAt` now. */
  resolve(alerts: PostableAlert[]): Promise<void>;
  silences(): Promise<
    {
      id: string;
      status: { state: string };
      matchers: { name: string; value: string; isRegex: boolean }[];
      createdBy: string;
      comment: string;
      endsAt: string;
    }[]
  >;
  /** Alerts as Alertmanager sees them now, with their state (`active`, `suppressed`) and silences. */
  alerts(): Promise<
    { labels: Record<string, string>; status: { state: string; silencedBy: string[] }; fingerprint: string }[]
  >;
  stop(): Promise<void>;
}

/**
 * A real Alertmanager of its own for one test file: its groups, silences and configuration never mix with
 * another file's, and files running at once never rewrite each other's webhook. It starts in about a second.
 */
export async function startTestAlertmanager(): Promise<TestAlertmanager> {
  const stateDir = mkdtempSync(join(tmpdir(), 'n3r-am-'));
  const group = new ProcessGroup(stateDir);
  try {
    const am = await startAlertmanager(group, inject('stack').alertmanager, stateDir);
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${am.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`alertmanager ${method} ${path}: ${response.status} ${text}`);
      return text ? (JSON.parse(text) as unknown) : null;
    };
    const post = async (alerts: PostableAlert[]) => {
      await api('POST', '/api/v2/alerts', alerts);
    };
    return {
      url: am.url,
      configure: am.configure,
      post,
      resolve: (alerts) => post(alerts.map((a) => ({ ...a, endsAt: new Date().toISOString() }))),
      silences: async () =>
        (await api('GET', '/api/v2/silences')) as Awaited<ReturnType<TestAlertmanager['silences']>>,
      alerts: async () =>
        (await api('GET', '/api/v2/alerts?silenced=true&active=true&inhibited=true')) as Awaited<
          ReturnType<TestAlertmanager['alerts']>
        >,
      stop: async () => {
        await group.stopAll();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await group.stopAll();
    throw error;
  }
}

import { randomBytes } from 'node:crypto';
import type { Clock } from './slack-clock.js';

/** Slack: a trigger_id is good for 3 seconds and one use (docs.slack.dev, "Handling user interaction"). */
export const triggerLifetimeMs = 3_000;
/** Slack: a response_url takes up to 5 responses within 30 minutes. */
export const responseUrlLifetimeMs = 30 * 60_000;
export const responseUrlMaxUses = 5;

export interface Trigger {
  id: string;
  user: string;
  issuedAt: number;
  used: boolean;
  /** The view the interaction happened in, if any: views.push stacks onto it. */
  viewId: string | null;
}

export type TriggerCheck =
  | { ok: true; trigger: Trigger }
  | { ok: false; error: 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id' };

/** trigger_ids the emulator handed out with deliveries, and their exchange by views.open / views.push. */
export class TriggerRegistry {
  readonly #triggers = new Map<string, Trigger>();
  #counter = 0;

  constructor(private readonly clock: Clock) {}

  /** A new trigger_id, in Slack's format `<digits>.<digits>.<hex>`. */
  issue(user: string, viewId: string | null = null): string {
    this.#counter++;
    const now = this.clock.now();
    const id = `${Math.floor(now / 1000)}.${1000 + this.#counter}.${randomBytes(16).toString('hex')}`;
    this.#triggers.set(id, { id, user, issuedAt: now, used: false, viewId });
    return id;
  }

  /** Uses up a trigger_id, or says why Slack would refuse it. */
  exchange(id: unknown): TriggerCheck {
    const trigger = typeof id === 'string' ? this.#triggers.get(id) : undefined;
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.clock.now() - trigger.issuedAt > triggerLifetimeMs)
      return { ok: false, error: 'expired_trigger_id' };
    trigger.used = true;
    return { ok: true, trigger };
  }
}

export interface ResponseTarget {
  channel: string;
  user: string;
  /** The message a block action came from: `replace_original` / `delete_original` act on it. */
  messageTs: string | null;
  uses: number;
  expiresAt: number;
}

/** response_urls handed out with slash commands and message actions. */
export class ResponseUrlRegistry {
  readonly #targets = new Map<string, ResponseTarget>();

  constructor(private readonly clock: Clock) {}

  /** A new response_url path: `/commands/<team>/<id>/<secret>` or `/actions/<team>/<id>/<secret>`. */
  issue(
    kind: 'commands' | 'actions',
    teamId: string,
    target: Omit<ResponseTarget, 'uses' | 'expiresAt'>,
  ): string {
    const id = `${Date.now()}${randomBytes(2).toString('hex')}`;
    const path = `/${kind}/${teamId}/${id}/${randomBytes(12).toString('base64url')}`;
    this.#targets.set(path, { ...target, uses: 0, expiresAt: this.clock.now() + responseUrlLifetimeMs });
    return path;
  }

  /** Counts one use of a response_url; null when it is unknown, expired or used up. */
  use(path: string): ResponseTarget | null {
    const target = this.#targets.get(path);
    if (!target || target.expiresAt < this.clock.now() || target.uses >= responseUrlMaxUses) return null;
    target.uses++;
    return target;
  }
}

import type { WebClient } from '@slack/web-api';
import type { ClusterRegistry } from '../config/cluster-registry.js';
import type { IdentityResolver } from '../core/ports.js';
import type { Requester } from '../core/request.js';

export interface IdentityOptions {
  /** How long a person's groups and a user group's members are reused. @defaultValue 60 000 ms */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Slack user → platform identity: the e-mail from `users.info`, the platform groups from the members of
 * the Slack user groups the registry maps them to. Cached briefly: a removal from a group takes effect
 * within the TTL.
 */
export class SlackIdentityResolver implements IdentityResolver {
  readonly #members = new Map<string, { at: number; users: Promise<Set<string>> }>();
  readonly #emails = new Map<string, { at: number; email: Promise<string | null> }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(
    private readonly client: WebClient,
    private readonly groups: ClusterRegistry['groups'],
    options: IdentityOptions = {},
  ) {
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async resolve(slackUserId: string): Promise<Requester> {
    const [email, groups] = await Promise.all([
      this.email(slackUserId),
      Promise.all(
        Object.entries(this.groups).map(async ([group, { slackUsergroup }]) =>
          (await this.members(slackUsergroup)).has(slackUserId) ? group : null,
        ),
      ),
    ]);
    return { slackId: slackUserId, email, groups: groups.filter((g): g is string => g !== null).sort() };
  }

  private email(user: string): Promise<string | null> {
    return this.cached(this.#emails, user, 'email', async () => {
      const info = await this.client.users.info({ user });
      return info.user?.profile?.email ?? null;
    });
  }

  private members(usergroup: string): Promise<Set<string>> {
    return this.cached(this.#members, usergroup, 'users', async () => {
      const list = await this.client.usergroups.users.list({ usergroup });
      return new Set(list.users ?? []);
    });
  }

  private cached<K extends string, T>(
    cache: Map<string, { at: number } & Record<K, Promise<T>>>,
    key: string,
    field: K,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = cache.get(key);
    if (hit && this.#now() - hit.at < this.#ttlMs) return hit[field];
    const value = load();
    cache.set(key, { at: this.#now(), [field]: value } as { at: number } & Record<K, Promise<T>>);
    // A failed lookup is not cached.
    value.catch(() => cache.delete(key));
    return value;
  }
}

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
 * the Slack user groups the registry maps them to. Every group's members come from one `usergroups.list`
 * call (with `include_users`), however many groups the registry has. Cached briefly: a removal from a
 * group takes effect within the TTL.
 */
export class SlackIdentityResolver implements IdentityResolver {
  #members: { at: number; byGroup: Promise<Map<string, Set<string>>> } | null = null;
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
    const [email, members] = await Promise.all([this.email(slackUserId), this.members()]);
    const groups = Object.entries(this.groups)
      .filter(([, { slackUsergroup }]) => members.get(slackUsergroup)?.has(slackUserId))
      .map(([group]) => group);
    return { slackId: slackUserId, email, groups: groups.sort() };
  }

  private email(user: string): Promise<string | null> {
    const hit = this.#emails.get(user);
    if (hit && this.fresh(hit.at)) return hit.email;
    const email = this.client.users.info({ user }).then((info) => info.user?.profile?.email ?? null);
    this.#emails.set(user, { at: this.#now(), email });
    // A failed lookup is not cached.
    email.catch(() => this.#emails.delete(user));
    return email;
  }

  private members(): Promise<Map<string, Set<string>>> {
    const hit = this.#members;
    if (hit && this.fresh(hit.at)) return hit.byGroup;
    const byGroup = this.listGroups();
    const entry = { at: this.#now(), byGroup };
    this.#members = entry;
    byGroup.catch(() => {
      if (this.#members === entry) this.#members = null;
    });
    return byGroup;
  }

  private async listGroups(): Promise<Map<string, Set<string>>> {
    const list = await this.client.usergroups.list({ include_users: true });
    return new Map((list.usergroups ?? []).map((g) => [g.id ?? '', new Set(g.users ?? [])] as const));
  }

  private fresh(at: number): boolean {
    return this.#now() - at < this.#ttlMs;
  }
}

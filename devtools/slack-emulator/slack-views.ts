import { randomBytes } from 'node:crypto';
import { type Finding, findBlocksProblem, formatFinding, textProblem } from './block-kit-limits.js';
import { withSlackIds } from './slack-blocks.js';
import type { Clock } from './slack-clock.js';
import { slackId } from './slack-ids.js';
import type { Json, StoredView } from './slack-types.js';

/** Slack: "After a modal is opened, the app is limited to pushing 2 additional views" (views.push). */
export const maxModalStack = 3;
/** Slack: views.* answer `view_too_large` above 250 kB. */
const maxViewBytes = 250 * 1024;

export interface ViewProblem {
  error: 'invalid_arguments' | 'view_too_large';
  messages: string[];
}

export type ParsedView = { ok: true; view: Json } | { ok: false; problem: ViewProblem };

const invalid = (found: Finding): ParsedView => ({
  ok: false,
  problem: { error: 'invalid_arguments', messages: [formatFinding(found)] },
});

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads and checks a `view` argument (a JSON string from @slack/web-api, or an object in a JSON body) as
 * Slack does: type, a plain_text title of at most 24 characters, at most 100 blocks with Block Kit's
 * limits, submit when there is an input block, metadata lengths. Problems come back as `invalid_arguments`.
 */
export function parseView(raw: unknown, types: readonly ('modal' | 'home')[]): ParsedView {
  let view: unknown = raw;
  if (typeof raw === 'string') {
    try {
      view = JSON.parse(raw);
    } catch {
      return invalid({ problem: 'view is not valid JSON', at: '/view' });
    }
  }
  if (!isObject(view)) return invalid({ problem: 'must be a view object', at: '/view' });
  if (JSON.stringify(view).length > maxViewBytes)
    return { ok: false, problem: { error: 'view_too_large', messages: [] } };
  if (view.type === undefined) return invalid({ problem: 'missing required field: type', at: '/view' });
  if (!types.includes(view.type as 'modal')) {
    return invalid({ problem: `view type must be ${types.join(' or ')}`, at: '/view/type' });
  }
  const found =
    (view.type === 'modal'
      ? ((view.title === undefined ? { problem: 'missing required field: title', at: '/view' } : null) ??
        textProblem(view.title, '/view/title', 24, true) ??
        textProblem(view.close, '/view/close', 24, true) ??
        textProblem(view.submit, '/view/submit', 24, true))
      : null) ??
    (view.blocks === undefined ? { problem: 'missing required field: blocks', at: '/view' } : null) ??
    findBlocksProblem(view.blocks, 100, '/view/blocks') ??
    lengthProblem(view.private_metadata, '/view/private_metadata', 3000) ??
    lengthProblem(view.callback_id, '/view/callback_id', 255) ??
    lengthProblem(view.external_id, '/view/external_id', 255);
  if (found) return invalid(found);
  const hasInput = (view.blocks as Json[]).some((b) => b.type === 'input');
  if (view.type === 'modal' && hasInput && view.submit === undefined) {
    return invalid({ problem: 'submit is required when the view has an input block', at: '/view' });
  }
  return { ok: true, view: { ...view, blocks: withSlackIds(view.blocks as unknown[]) } };
}

function lengthProblem(value: unknown, at: string, max: number): Finding | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') return { problem: 'must be a string', at };
  return value.length > max ? { problem: `must be less than ${max + 1} characters`, at } : null;
}

export interface Identity {
  teamId: string;
  appId: string;
  botId: string;
}

/** A view as Slack returns it from views.* and sends it in payloads. */
export function viewPayload(stored: StoredView, identity: Identity, values: Json = {}): Json {
  const { view } = stored;
  return {
    id: stored.id,
    team_id: identity.teamId,
    type: stored.type,
    ...(stored.type === 'modal'
      ? {
          title: view.title,
          close: view.close ?? null,
          submit: view.submit ?? null,
          clear_on_close: view.clear_on_close ?? false,
          notify_on_close: view.notify_on_close ?? false,
        }
      : {}),
    blocks: view.blocks,
    private_metadata: stored.privateMetadata,
    callback_id: stored.callbackId,
    external_id: stored.externalId,
    state: { values },
    hash: stored.hash,
    root_view_id: stored.rootViewId,
    previous_view_id: stored.previousViewId,
    app_id: identity.appId,
    app_installed_team_id: identity.teamId,
    bot_id: identity.botId,
  };
}

/** Every view: each person's stack of open modals (root first) and their App Home. */
export class ViewStore {
  readonly views = new Map<string, StoredView>();
  readonly #stacks = new Map<string, string[]>();
  readonly #homes = new Map<string, string>();

  constructor(private readonly clock: Clock) {}

  /** views.open: a new modal; whatever modal the person had open closes. */
  open(user: string, view: Json): StoredView {
    this.clear(user);
    const stored = this.create(user, view, null, null);
    this.#stacks.set(user, [stored.id]);
    return stored;
  }

  /** views.push / response_action push: a modal on top of the person's open stack. */
  push(user: string, view: Json): StoredView | 'push_limit_reached' | 'not_found' {
    const stack = this.#stacks.get(user) ?? [];
    const top = stack.at(-1);
    if (top === undefined) return 'not_found';
    if (stack.length >= maxModalStack) return 'push_limit_reached';
    const stored = this.create(user, view, stack[0] ?? top, top);
    stack.push(stored.id);
    return stored;
  }

  /** views.update / response_action update: new content, same id, new hash. */
  update(stored: StoredView, view: Json): StoredView {
    stored.view = view;
    stored.history.push(view);
    stored.callbackId = String(view.callback_id ?? '');
    stored.externalId = String(view.external_id ?? '');
    stored.privateMetadata = String(view.private_metadata ?? '');
    stored.hash = this.hash();
    return stored;
  }

  /** views.publish: the person's App Home, created or replaced. */
  publish(user: string, view: Json): StoredView {
    const existing = this.homeOf(user);
    if (existing) return this.update(existing, view);
    const stored = this.create(user, view, null, null);
    this.#homes.set(user, stored.id);
    return stored;
  }

  find(viewId: unknown, externalId: unknown): StoredView | undefined {
    if (typeof viewId === 'string' && viewId !== '') return this.views.get(viewId);
    if (typeof externalId === 'string' && externalId !== '')
      return [...this.views.values()].find((v) => v.externalId === externalId);
    return undefined;
  }

  externalIdTaken(externalId: unknown, except?: string): boolean {
    return (
      typeof externalId === 'string' &&
      externalId !== '' &&
      [...this.views.values()].some((v) => v.externalId === externalId && v.id !== except)
    );
  }

  /** Closes a modal and any pushed above it (an empty answer to view_submission). */
  close(viewId: string): void {
    const view = this.views.get(viewId);
    if (!view) return;
    const stack = this.#stacks.get(view.user) ?? [];
    const at = stack.indexOf(viewId);
    if (at < 0) return;
    for (const id of stack.splice(at)) {
      const closing = this.views.get(id);
      if (closing) closing.open = false;
    }
  }

  /** Closes all of a person's modals (response_action clear, or a new views.open). */
  clear(user: string): void {
    const root = this.#stacks.get(user)?.[0];
    if (root) this.close(root);
  }

  homeOf(user: string): StoredView | undefined {
    const id = this.#homes.get(user);
    return id === undefined ? undefined : this.views.get(id);
  }

  /** The person's open modals, the root first and the one on screen last. */
  openModals(user: string): StoredView[] {
    return (this.#stacks.get(user) ?? []).flatMap((id) => this.views.get(id) ?? []);
  }

  private create(
    user: string,
    view: Json,
    rootViewId: string | null,
    previousViewId: string | null,
  ): StoredView {
    const id = slackId('V');
    const stored: StoredView = {
      id,
      type: view.type === 'home' ? 'home' : 'modal',
      user,
      callbackId: String(view.callback_id ?? ''),
      externalId: String(view.external_id ?? ''),
      privateMetadata: String(view.private_metadata ?? ''),
      hash: this.hash(),
      rootViewId: rootViewId ?? id,
      previousViewId,
      view,
      history: [view],
      open: true,
    };
    this.views.set(id, stored);
    return stored;
  }

  private hash(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }
}

import { checkBlocks, checkMessageText } from './block-kit-limits.js';
import { type RateLimit, TokenBuckets } from './slack-rate-limit.js';
import { loadMethodSpecs, type MethodSpec } from './slack-spec.js';
import { dmChannelOf, type SlackState } from './slack-state.js';
import type { Json, MessageMetadata, StoredMessage, StoredView } from './slack-types.js';
import { type ParsedView, parseView, viewPayload } from './slack-views.js';

export interface WebApiOptions {
  /** When given, the bot token has only these scopes; a method needing another answers `missing_scope`. */
  botScopes?: string[];
  /** chat.postMessage per channel; `false` turns the limit off. */
  rateLimit?: RateLimit | false;
  /**
   * Slack's per-method tiers, counted per workspace (chat.update is Tier 3: 50 a minute; see
   * `methodTiers`), each a bucket of a minute's calls refilled evenly. Off unless asked: suites that make
   * hundreds of requests a minute would spend most of their time waiting out Retry-After. @defaultValue false
   */
  methodLimits?: boolean;
}

/**
 * Calls a minute per method, from Slack's tiers (docs.slack.dev/apis/web-api/rate-limits; tiers per
 * method as the Java SDK's MethodsRateLimits lists them): Tier 2 20, Tier 3 50, Tier 4 100.
 */
export const methodTiers: Record<string, number> = {
  'chat.update': 50,
  'chat.postEphemeral': 100,
  'chat.delete': 50,
  'reactions.add': 50,
  'views.open': 100,
  'views.update': 100,
  'views.push': 100,
  'views.publish': 100,
  'users.info': 100,
  'usergroups.users.list': 20,
  'usergroups.list': 20,
  'conversations.history': 50,
  'conversations.replies': 50,
};

export interface WebApiAnswer {
  status: number;
  body: Json;
  headers: Record<string, string>;
}

export interface WebApiTokens {
  bot: string;
  app: string;
}

/** Opens a Socket Mode connection ticket: apps.connections.open. */
export type OpenConnection = () => { ok: true; url: string } | { ok: false; error: string };

type Handler = (args: Json) => Json;

/** Slack: app-level tokens call only the apps.* methods that manage the app's connections. */
const appTokenMethods = new Set(['apps.connections.open']);

/**
 * Methods newer than the 2020 spec in shared/slack, or whose spec is not what Slack asks of a bot token
 * today, modelled by hand. The 2020 spec names the reading methods' scope `conversations:history`, a scope of
 * the retired workspace apps; a bot token needs the history scope of the conversation's type.
 */
const extraSpecs: Record<string, MethodSpec> = {
  'apps.connections.open': { required: [], scope: 'connections:write' },
  'files.getUploadURLExternal': { required: ['filename', 'length'], scope: 'files:write' },
  'files.completeUploadExternal': { required: ['files'], scope: 'files:write' },
  'conversations.history': { required: ['channel'], scope: 'channels:history' },
  'conversations.replies': { required: ['channel', 'ts'], scope: 'channels:history' },
};

/** The history scope a bot token needs to read a conversation, by the conversation's type. */
const historyScopes = { public: 'channels:history', private: 'groups:history', im: 'im:history' } as const;
const readingMethods = new Set(['conversations.history', 'conversations.replies']);

/** The default chat.postMessage limit: generous enough that ordinary tests never meet it. */
export const defaultPostMessageLimit: RateLimit = { perSecond: 1, burst: 30 };

const ok = (body: Json = {}): Json => ({ ok: true, ...body });
const fail = (error: string, extra: Json = {}): Json => ({ ok: false, error, ...extra });
const invalidArguments = (messages: string[]): Json =>
  fail('invalid_arguments', { response_metadata: { messages } });

/** Parses a JSON-valued argument: a JSON string in a form post, or the value itself in a JSON body. */
function jsonArg(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * The Web API methods the bot calls, checked as Slack checks them: the method exists, the token is valid
 * and of the right type (bot `xoxb-` or app-level `xapp-`), it has the method's scope, the required
 * arguments from Slack's spec are there, chat.postMessage stays under its rate limit, and the arguments
 * themselves are valid (Block Kit limits, trigger_ids, view hashes).
 */
export class SlackWebApi {
  readonly #specs: Map<string, MethodSpec>;
  readonly #postLimit: TokenBuckets | null;
  readonly #methodLimits: Map<string, TokenBuckets> | null;
  readonly #handlers: Record<string, Handler>;
  /** Errors the next calls of a method answer with, first in first out. */
  readonly #failures = new Map<string, string[]>();

  constructor(
    private readonly state: SlackState,
    private readonly tokens: WebApiTokens,
    private readonly options: WebApiOptions,
    specPath: string,
    openConnection: OpenConnection,
    /** The emulator's base URL, for the upload URLs it hands out. */
    private readonly baseUrl: () => string = () => 'http://127.0.0.1',
  ) {
    this.#specs = loadMethodSpecs(specPath);
    const limit = options.rateLimit ?? defaultPostMessageLimit;
    this.#postLimit = limit === false ? null : new TokenBuckets(limit, state.clock);
    this.#methodLimits = options.methodLimits
      ? new Map(
          Object.entries(methodTiers).map(([method, perMinute]) => [
            method,
            new TokenBuckets({ perSecond: perMinute / 60, burst: perMinute }, state.clock),
          ]),
        )
      : null;
    this.#handlers = {
      ...this.messageMethods(),
      ...this.viewMethods(),
      ...this.directoryMethods(),
      ...this.fileMethods(),
      ...this.readingMethods(),
    };
    this.#handlers['apps.connections.open'] = () => openConnection() as Json;
  }

  call(method: string, args: Json, token: string | null): WebApiAnswer {
    const handler = this.#handlers[method];
    if (!handler) return this.answer(fail('unknown_method', { req_method: method }));
    if (token === null || token === '') return this.answer(fail('not_authed'));
    const kind = token === this.tokens.bot ? 'bot' : token === this.tokens.app ? 'app' : null;
    if (kind === null) return this.answer(fail('invalid_auth'));
    if ((kind === 'app') !== appTokenMethods.has(method)) return this.answer(fail('not_allowed_token_type'));
    const fixed = extraSpecs[method] ?? this.#specs.get(method) ?? { required: [], scope: null };
    const spec = readingMethods.has(method) ? { ...fixed, scope: this.historyScope(args.channel) } : fixed;
    const headers = this.scopeHeaders(kind, spec);
    const granted = this.options.botScopes;
    if (kind === 'bot' && granted && spec.scope !== null && !granted.includes(spec.scope)) {
      return this.answer(fail('missing_scope', { needed: spec.scope, provided: granted.join(',') }), headers);
    }
    const missing = spec.required.filter((name) => args[name] === undefined || args[name] === '');
    if (missing.length > 0) {
      return this.answer(
        invalidArguments(missing.map((name) => `[ERROR] missing required field: ${name}`)),
        headers,
      );
    }
    const failure = this.#failures.get(method)?.shift();
    if (failure) return this.answer(fail(failure), headers);
    const tier = this.#methodLimits?.get(method);
    const taken =
      method === 'chat.postMessage' && this.#postLimit
        ? this.#postLimit.take(String(args.channel))
        : tier
          ? tier.take('workspace')
          : null;
    if (taken) {
      if (!taken.ok) {
        return {
          status: 429,
          body: fail('ratelimited'),
          headers: { ...headers, 'retry-after': String(taken.retryAfterSeconds) },
        };
      }
    }
    return this.answer(handler(args), headers);
  }

  /** The next call of `method` (past the token and argument checks) answers `error` instead. */
  failNext(method: string, error: string): void {
    if (!this.#handlers[method]) throw new Error(`emulator: ${method} is not emulated`);
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), error]);
  }

  private answer(body: Json, headers: Record<string, string> = {}): WebApiAnswer {
    return { status: 200, body, headers };
  }

  /** The scope reading a conversation takes: its type's history scope (public when the channel is unknown). */
  private historyScope(channel: unknown): string {
    const id = String(channel);
    const known = this.state.workspace.channels.find((c) => c.id === id);
    if (known) return known.private ? historyScopes.private : historyScopes.public;
    return this.resolveChannel(id) === null ? historyScopes.public : historyScopes.im;
  }

  /** Slack tells the client what the token has and what the method accepts, as web-api reads them. */
  private scopeHeaders(kind: 'bot' | 'app', spec: MethodSpec): Record<string, string> {
    const granted = kind === 'bot' ? this.options.botScopes : ['connections:write'];
    const headers: Record<string, string> = {};
    if (granted) headers['x-oauth-scopes'] = granted.join(',');
    if (spec.scope !== null) headers['x-accepted-oauth-scopes'] = spec.scope;
    return headers;
  }

  // ---------------------------------------------------------------- chat.*

  private messageMethods(): Record<string, Handler> {
    const { state } = this;
    const botMessage = (text: string, ts: string, blocks: unknown[], threadTs: string | null): Json => ({
      type: 'message',
      user: state.identity.botUserId,
      bot_id: state.identity.botId,
      app_id: state.identity.appId,
      team: state.identity.teamId,
      text,
      ts,
      ...(blocks.length > 0 ? { blocks } : {}),
      ...(threadTs === null ? {} : { thread_ts: threadTs }),
    });
    return {
      'chat.postMessage': (args) => {
        const channel = this.resolveChannel(args.channel);
        if (channel === null) return fail('channel_not_found');
        const problem = messageProblem(args);
        if (problem) return problem;
        const metadata = metadataOf(args);
        if (metadata === 'invalid') return fail('invalid_metadata_format');
        const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : null;
        if (threadTs !== null && !state.findMessage(channel, threadTs)) return fail('thread_not_found');
        const message = state.post(
          channel,
          threadTs,
          state.identity.botUserId,
          String(args.text ?? ''),
          blocksOf(args) ?? [],
          metadata,
        );
        return ok({
          channel,
          ts: message.ts,
          message: botMessage(message.text, message.ts, message.blocks, threadTs),
        });
      },
      'chat.update': (args) => {
        const channel = this.resolveChannel(args.channel);
        if (channel === null) return fail('channel_not_found');
        const problem = messageProblem(args);
        if (problem) return problem;
        const metadata = metadataOf(args);
        if (metadata === 'invalid') return fail('invalid_metadata_format');
        const message = state.findMessage(channel, String(args.ts));
        if (!message) return fail('message_not_found');
        if (message.user !== state.identity.botUserId) return fail('cant_update_message');
        // Without `metadata` an update keeps the message's own.
        state.update(message, String(args.text ?? ''), blocksOf(args) ?? [], metadata ?? message.metadata);
        return ok({
          channel,
          ts: message.ts,
          text: message.text,
          message: botMessage(message.text, message.ts, message.blocks, message.threadTs),
        });
      },
      'chat.postEphemeral': (args) => {
        const channel = this.resolveChannel(args.channel);
        if (channel === null) return fail('channel_not_found');
        const problem = messageProblem(args);
        if (problem) return problem;
        const user = state.workspace.users.find((u) => u.id === args.user);
        if (!user) return fail('user_not_found');
        state.ephemeral({
          channel,
          user: user.id,
          text: String(args.text ?? ''),
          blocks: blocksOf(args) ?? [],
          via: 'chat.postEphemeral',
        });
        return ok({ message_ts: state.nextTs() });
      },
    };
  }

  /** A channel id, or a person's id for the app's direct message with them (`D` + the rest of the id). */
  private resolveChannel(value: unknown): string | null {
    const id = String(value);
    if (this.state.workspace.channels.some((c) => c.id === id)) return id;
    const user = this.state.workspace.users.find((u) => u.id === id || dmChannelOf(u.id) === id);
    return user ? dmChannelOf(user.id) : null;
  }

  // ---------------------------------------------------------------- conversations.history, .replies

  /**
   * Reading a conversation as Slack answers it: newest first in a channel's history (its top-level messages,
   * thread parents with their reply count), oldest first in a thread (the parent, then its replies); `oldest`
   * and `latest` bound the time range (exclusive unless `inclusive`), `limit` (default 100 for history, 1000
   * for replies; at most 999 and 1000) and an opaque `cursor` page through it, `has_more` and
   * `response_metadata.next_cursor` say there is more. Message metadata is only returned with
   * `include_all_metadata`.
   */
  private readingMethods(): Record<string, Handler> {
    const { state } = this;
    const page = (all: StoredMessage[], args: Json, defaultLimit: number, maxLimit: number): Json => {
      const range = timeRange(args);
      if (typeof range === 'string') return fail(range);
      const limit = args.limit === undefined || args.limit === '' ? defaultLimit : Number(args.limit);
      if (!Number.isInteger(limit) || limit < 1) return invalidArguments(['[ERROR] invalid limit']);
      const start = args.cursor === undefined || args.cursor === '' ? 0 : cursorOffset(args.cursor);
      if (start === null) return fail('invalid_cursor');
      const inRange = all.filter((m) => range(m.ts));
      const taken = inRange.slice(start, start + Math.min(limit, maxLimit));
      const next = start + taken.length;
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
      const hasMore = next < inRange.length;
      return ok({
        messages: taken.map((m) => this.messageJson(m, withMetadata)),
        has_more: hasMore,
        response_metadata: { next_cursor: hasMore ? cursorAt(next) : '' },
      });
    };
    return {
      'conversations.history': (args) => {
        const channel = this.resolveChannel(args.channel);
        if (channel === null) return fail('channel_not_found');
        const topLevel = state.messages.filter((m) => m.channel === channel && m.threadTs === null);
        return page(
          topLevel.sort((a, b) => compareTs(b.ts, a.ts)),
          args,
          100,
          999,
        );
      },
      'conversations.replies': (args) => {
        const channel = this.resolveChannel(args.channel);
        if (channel === null) return fail('channel_not_found');
        const parent = state.findMessage(channel, String(args.ts));
        if (!parent) return fail('thread_not_found');
        // Asked with a reply's ts, Slack answers with that reply alone.
        const root = parent.threadTs ?? parent.ts;
        const thread =
          parent.threadTs === null
            ? [parent, ...state.messages.filter((m) => m.channel === channel && m.threadTs === root)]
            : [parent];
        return page(
          thread.sort((a, b) => compareTs(a.ts, b.ts)),
          args,
          1000,
          1000,
        );
      },
    };
  }

  /** A message as the reading methods show it. */
  private messageJson(m: StoredMessage, withMetadata: boolean): Json {
    const replies = this.state.messages.filter((r) => r.channel === m.channel && r.threadTs === m.ts);
    const isParent = m.threadTs === null && replies.length > 0;
    return {
      type: 'message',
      user: m.user,
      ...(m.user === this.state.identity.botUserId
        ? { bot_id: this.state.identity.botId, app_id: this.state.identity.appId }
        : {}),
      text: m.text,
      ts: m.ts,
      ...(m.blocks.length > 0 ? { blocks: m.blocks } : {}),
      ...(m.threadTs !== null ? { thread_ts: m.threadTs } : {}),
      ...(isParent ? { thread_ts: m.ts, reply_count: replies.length } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  // ---------------------------------------------------------------- views.*

  private viewMethods(): Record<string, Handler> {
    const { state } = this;
    const { views, triggers } = state;
    const answer = (stored: StoredView): Json => {
      state.notify();
      return ok({ view: viewPayload(stored, state.identity) });
    };
    const refused = (parsed: ParsedView & { ok: false }): Json =>
      parsed.problem.error === 'view_too_large'
        ? fail('view_too_large')
        : invalidArguments(parsed.problem.messages);
    return {
      'views.open': (args) => {
        const parsed = parseView(jsonArg(args.view), ['modal']);
        if (!parsed.ok) return refused(parsed);
        if (views.externalIdTaken(parsed.view.external_id)) return fail('duplicate_external_id');
        const trigger = triggers.exchange(args.trigger_id);
        if (!trigger.ok) return fail(trigger.error);
        return answer(views.open(trigger.trigger.user, parsed.view));
      },
      'views.push': (args) => {
        const parsed = parseView(jsonArg(args.view), ['modal']);
        if (!parsed.ok) return refused(parsed);
        if (views.externalIdTaken(parsed.view.external_id)) return fail('duplicate_external_id');
        const trigger = triggers.exchange(args.trigger_id);
        if (!trigger.ok) return fail(trigger.error);
        const pushed = views.push(trigger.trigger.user, parsed.view);
        return typeof pushed === 'string' ? fail(pushed) : answer(pushed);
      },
      'views.update': (args) => {
        if (!args.view_id && !args.external_id)
          return invalidArguments(['[ERROR] either view_id or external_id is required']);
        if (args.view === undefined) return invalidArguments(['[ERROR] missing required field: view']);
        const stored = views.find(args.view_id, args.external_id);
        if (!stored || (stored.type === 'modal' && !stored.open)) return fail('not_found');
        if (typeof args.hash === 'string' && args.hash !== '' && args.hash !== stored.hash)
          return fail('hash_conflict');
        const parsed = parseView(jsonArg(args.view), [stored.type]);
        if (!parsed.ok) return refused(parsed);
        if (views.externalIdTaken(parsed.view.external_id, stored.id)) return fail('duplicate_external_id');
        return answer(views.update(stored, parsed.view));
      },
      'views.publish': (args) => {
        const user = state.workspace.users.find((u) => u.id === args.user_id);
        if (!user) return invalidArguments(['invalid `user_id`']);
        const parsed = parseView(jsonArg(args.view), ['home']);
        if (!parsed.ok) return refused(parsed);
        const home = views.homeOf(user.id);
        if (typeof args.hash === 'string' && args.hash !== '' && home && args.hash !== home.hash)
          return fail('hash_conflict');
        if (views.externalIdTaken(parsed.view.external_id, home?.id)) return fail('duplicate_external_id');
        return answer(views.publish(user.id, parsed.view));
      },
    };
  }

  // ---------------------------------------------------------------- files.* (the external upload flow)

  private fileMethods(): Record<string, Handler> {
    const { state } = this;
    return {
      'files.getUploadURLExternal': (args) => {
        const length = Number(args.length);
        if (!Number.isInteger(length) || length <= 0 || String(args.length).trim() !== String(length))
          return invalidArguments(['[ERROR] length must be a positive integer']);
        if (typeof args.filename !== 'string' || args.filename.trim() === '')
          return invalidArguments(['[ERROR] filename must be a non-empty string']);
        const file = state.files.reserve(args.filename, length);
        return ok({ upload_url: `${this.baseUrl()}${file.uploadPath}`, file_id: file.id });
      },
      'files.completeUploadExternal': (args) => {
        const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : null;
        const channelArg = args.channel_id;
        if (threadTs !== null && (channelArg === undefined || channelArg === ''))
          return invalidArguments(['[ERROR] thread_ts needs channel_id']);
        const channel =
          channelArg === undefined || channelArg === '' ? null : this.resolveChannel(channelArg);
        if (channelArg !== undefined && channelArg !== '' && channel === null)
          return fail('channel_not_found');
        if (channel !== null && threadTs !== null && !state.findMessage(channel, threadTs))
          return fail('thread_not_found');
        const found = state.files.completable(jsonArg(args.files));
        if ('error' in found)
          return found.error === 'invalid_arguments'
            ? invalidArguments(['[ERROR] files must be a non-empty array of {id, title}'])
            : fail(found.error);
        const comment = typeof args.initial_comment === 'string' ? args.initial_comment : '';
        const message =
          channel === null
            ? null
            : state.post(
                channel,
                threadTs,
                state.identity.botUserId,
                comment || found.files.map((f) => f.title ?? f.file.filename).join(', '),
                [],
              );
        for (const { file, title } of found.files) {
          file.title = title ?? file.filename;
          file.shared = { channel, threadTs, messageTs: message?.ts ?? null };
        }
        return ok({
          files: found.files.map(({ file }) => ({ id: file.id, title: file.title, name: file.filename })),
        });
      },
    };
  }

  // ---------------------------------------------------------------- auth, users, usergroups

  private directoryMethods(): Record<string, Handler> {
    const { workspace, identity } = this.state;
    return {
      'auth.test': () =>
        ok({
          url: `https://${identity.teamDomain}.slack.com/`,
          team: identity.teamDomain,
          user: 'n3r',
          team_id: identity.teamId,
          user_id: identity.botUserId,
          bot_id: identity.botId,
          is_enterprise_install: false,
        }),
      'users.info': (args) => {
        const user = workspace.users.find((u) => u.id === args.user);
        if (!user) return fail('user_not_found');
        return ok({
          user: {
            id: user.id,
            name: user.name,
            team_id: workspace.teamId,
            deleted: false,
            is_bot: false,
            profile: { email: user.email, real_name: user.name, display_name: user.name },
          },
        });
      },
      'usergroups.list': (args) =>
        ok({
          usergroups: workspace.usergroups.map((g) => ({
            id: g.id,
            team_id: workspace.teamId,
            is_usergroup: true,
            name: g.handle,
            handle: g.handle,
            description: '',
            date_delete: 0,
            user_count: g.users.length,
            ...(args.include_users === true || args.include_users === 'true' ? { users: [...g.users] } : {}),
          })),
        }),
      'usergroups.users.list': (args) => {
        const group = workspace.usergroups.find((g) => g.id === args.usergroup);
        if (!group) return fail('no_such_subteam');
        return ok({ users: group.users });
      },
    };
  }
}

/**
 * chat.postMessage's `metadata`: an object (a JSON string in a form post) with a string `event_type` and an
 * object `event_payload`, as Slack requires; anything else is Slack's `invalid_metadata_format`.
 */
function metadataOf(args: Json): MessageMetadata | null | 'invalid' {
  if (args.metadata === undefined || args.metadata === '') return null;
  const value = jsonArg(args.metadata);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid';
  const { event_type: type, event_payload: payload, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return 'invalid';
  if (typeof type !== 'string' || type === '') return 'invalid';
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'invalid';
  return { event_type: type, event_payload: payload as Record<string, unknown> };
}

/** Slack's message timestamps compared as the numbers they are (seconds, then the part after the dot). */
function compareTs(a: string, b: string): number {
  const [as = '0', af = ''] = a.split('.');
  const [bs = '0', bf = ''] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}

/** `oldest` / `latest` / `inclusive` as a test on a ts, or Slack's error for a bound that is not a timestamp. */
function timeRange(args: Json): ((ts: string) => boolean) | 'invalid_ts_oldest' | 'invalid_ts_latest' {
  const bound = (value: unknown): string | null | 'invalid' => {
    if (value === undefined || value === '') return null;
    const text = String(value);
    return /^\d+(\.\d+)?$/.test(text) ? text : 'invalid';
  };
  const oldest = bound(args.oldest);
  const latest = bound(args.latest);
  if (oldest === 'invalid') return 'invalid_ts_oldest';
  if (latest === 'invalid') return 'invalid_ts_latest';
  const inclusive = args.inclusive === true || args.inclusive === 'true' || args.inclusive === 1;
  return (ts) => {
    if (oldest !== null) {
      const c = compareTs(ts, oldest);
      if (c < 0 || (c === 0 && !inclusive)) return false;
    }
    if (latest !== null) {
      const c = compareTs(ts, latest);
      if (c > 0 || (c === 0 && !inclusive)) return false;
    }
    return true;
  };
}

/** Cursors are opaque to apps; here, the offset into the answer's list, base64-encoded as Slack's look. */
const cursorAt = (offset: number) => Buffer.from(`next_offset:${offset}`).toString('base64');
function cursorOffset(cursor: unknown): number | null {
  const match = /^next_offset:(\d+)$/.exec(Buffer.from(String(cursor), 'base64').toString('utf8'));
  return match ? Number(match[1]) : null;
}

function blocksOf(args: Json): unknown[] | undefined {
  const blocks = jsonArg(args.blocks);
  return blocks === undefined ? undefined : (blocks as unknown[]);
}

/** chat.* text and blocks as Slack checks them: something to show, Block Kit limits, text length. */
function messageProblem(args: Json): Json | null {
  if (args.blocks !== undefined && typeof args.blocks === 'string' && jsonArg(args.blocks) === args.blocks)
    return fail('invalid_blocks_format');
  const blocks = blocksOf(args);
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (!hasBlocks && (typeof args.text !== 'string' || args.text === '') && args.attachments === undefined)
    return fail('no_text');
  const problem = checkBlocks(blocks, 50) ?? checkMessageText(args.text);
  return problem ? fail(problem.error, { response_metadata: { messages: [problem.message] } }) : null;
}

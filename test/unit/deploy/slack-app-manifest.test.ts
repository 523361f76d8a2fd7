import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../../scripts/local-stack/stack.js';

interface Manifest {
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; socket_mode_enabled: boolean };
  features: { slash_commands: { command: string }[]; shortcuts: { callback_id: string }[] };
}

const manifest = parse(readFileSync(join(projectRoot, 'deploy/slack-app-manifest.yaml'), 'utf8')) as Manifest;
const shared = join(projectRoot, '../shared/slack');

/** Scopes that no method or event of the spec implies, each with why the code needs it. */
const extraScopes: Record<string, string> = {
  commands: 'the /n3r slash command and the global shortcut',
  'users:read.email': "SlackIdentityResolver reads the user's e-mail from users.info",
};
/** Methods newer than the spec, with the scope Slack documents for them. */
const methodsOutsideSpec: Record<string, string[]> = {
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};
/**
 * Methods whose spec names a scope of the retired workspace apps (`conversations:history`): a bot token needs
 * the history scope of each conversation type it reads. Request cards are posted in public and private
 * channels (the bot reads them back to find a card it lost), never in direct messages.
 */
const botScopesOfMethod: Record<string, string[]> = {
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
};
/** Events the 2021 spec lacks or lists without a scope, with the scope Slack documents for them. */
const eventsOutsideSpec: Record<string, string | null> = {
  app_home_opened: null,
  app_mention: 'app_mentions:read',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every Web API method the code calls through a WebClient (`client.chat.postMessage(…)`). */
function methodsCalled(): Set<string> {
  const methods = new Set<string>();
  for (const file of sourceFiles(join(projectRoot, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g)) {
      methods.add(match[1] as string);
    }
  }
  return methods;
}

function scopeOfMethod(
  spec: { paths: Record<string, Record<string, { parameters?: { name: string; description?: string }[] }>> },
  method: string,
) {
  const operations = spec.paths[`/${method}`];
  if (method in botScopesOfMethod) return botScopesOfMethod[method] ?? [];
  if (!operations && method in methodsOutsideSpec) return methodsOutsideSpec[method] ?? [];
  if (!operations) throw new Error(`${method} is not in Slack's spec`);
  const description = Object.values(operations)
    .flatMap((op) => op.parameters ?? [])
    .find((p) => p.name === 'token')?.description;
  const scope = /Requires scope: `([^`]+)`/.exec(description ?? '')?.[1];
  return scope === 'none' || scope === undefined ? [] : [scope];
}

describe('the Slack app manifest', () => {
  it('asks for exactly the scopes the code needs', () => {
    const web = JSON.parse(readFileSync(join(shared, 'slack_web_openapi_v2.json'), 'utf8'));
    const events = JSON.parse(readFileSync(join(shared, 'slack_events_api_async_v1.json'), 'utf8')) as {
      topics: Record<string, { subscribe?: { 'x-scopes-required'?: string[] } }>;
    };
    const called = methodsCalled();
    expect(called).toContain('chat.postMessage');
    const needed = new Set<string>(Object.keys(extraScopes));
    for (const method of called) {
      for (const scope of scopeOfMethod(web, method)) needed.add(scope);
    }
    for (const event of manifest.settings.event_subscriptions.bot_events) {
      const topic = events.topics[event.replaceAll('_', '.')];
      const fromSpec = topic?.subscribe?.['x-scopes-required'] ?? [];
      const scopes = fromSpec.length > 0 ? fromSpec : [eventsOutsideSpec[event]];
      if (fromSpec.length === 0 && !(event in eventsOutsideSpec))
        throw new Error(`event ${event} has no known scope`);
      for (const scope of scopes) if (scope) needed.add(scope);
    }
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('subscribes to the events and interactions the listeners handle', () => {
    const listeners = sourceFiles(join(projectRoot, 'src/bot'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const handled = [...listeners.matchAll(/app\.event\('([a-z_]+)'/g)].map((m) => m[1]).sort();
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(handled);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/n3r']);
    for (const shortcut of manifest.features.shortcuts)
      expect(listeners).toContain(`app.shortcut('${shortcut.callback_id}'`);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});

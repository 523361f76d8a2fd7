import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, localWorkspace, people } from '../../devtools/workspace/local-workspace.js';
import { eventually, type Harness, startHarness } from '../support/harness.js';

type RenderMrkdwn = (text: string, names: (id: string) => string) => string;

/** The mrkdwn of every text object in the blocks: what Slack formats for the person reading. */
function shownMrkdwn(blocks: unknown[]): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const object = node as Record<string, unknown>;
      if (object.type === 'mrkdwn' && typeof object.text === 'string') found.push(object.text);
      Object.values(object).forEach(walk);
    }
  };
  walk(blocks);
  return found;
}

/** Text of the HTML the browser workspace draws for mrkdwn, as the eye reads it. */
const readable = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');

/**
 * People are named as Slack mentions in what the bot tells them (a clickable name that notifies), while
 * text that came from people stays escaped: nobody sees a literal `&lt;@U…&gt;`.
 */
describe('mentions in what people are told', () => {
  let h: Harness;
  let render: RenderMrkdwn;
  beforeAll(async () => {
    h = await startHarness();
    // The browser workspace's own mrkdwn renderer (plain browser JS), for what a person there would read.
    const blocksJs = '../../devtools/workspace/public/blocks.js';
    render = ((await import(blocksJs)) as { mrkdwn: RenderMrkdwn }).mrkdwn;
  });
  afterAll(async () => {
    await h.stop();
  });

  async function whoami(user: string): Promise<EphemeralMessage> {
    const since = h.emulator.ephemerals.length;
    await h.emulator.slashCommand({ text: 'whoami', user, channel: channels.team });
    return eventually('the whoami answer', async () =>
      h.emulator.ephemerals.slice(since).find((e) => e.user === user),
    );
  }

  it('names the person in /n3r whoami with a mention, not escaped markup', async () => {
    const answer = await whoami(people.teammate);
    const shown = shownMrkdwn(answer.blocks).join('\n');
    expect(shown).toContain(`You are <@${people.teammate}> (carol@n3r.example)`);
    expect(shown).not.toContain('&lt;@');
    expect(shown).not.toContain('&gt;');

    const names = (id: string) => localWorkspace().users.find((u) => u.id === id)?.name ?? id;
    expect(readable(render(shown, names))).toContain(
      'You are @carol (carol@n3r.example); platform groups: team-a, team-a-oncall.',
    );
  });
});

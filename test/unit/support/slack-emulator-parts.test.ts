import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkBlocks,
  findBlocksProblem,
  formatFinding,
} from '../../../devtools/slack-emulator/block-kit-limits.js';
import { elementState, withSlackIds } from '../../../devtools/slack-emulator/slack-blocks.js';
import { Clock } from '../../../devtools/slack-emulator/slack-clock.js';
import { TokenBuckets } from '../../../devtools/slack-emulator/slack-rate-limit.js';
import { slackSignature } from '../../../devtools/slack-emulator/slack-signing.js';
import { loadMethodSpecs } from '../../../devtools/slack-emulator/slack-spec.js';
import { ResponseUrlRegistry, TriggerRegistry } from '../../../devtools/slack-emulator/slack-triggers.js';
import { parseView } from '../../../devtools/slack-emulator/slack-views.js';

const text = (t: string) => ({ type: 'plain_text', text: t });
const problem = (blocks: unknown[], max = 50) => {
  const found = findBlocksProblem(blocks, max);
  return found && formatFinding(found);
};

describe('Block Kit limits', () => {
  it('accepts the blocks and elements the bot uses', () => {
    expect(
      problem([
        { type: 'header', text: text('namespace.create r-1') },
        { type: 'section', text: { type: 'mrkdwn', text: '*x*' }, fields: [{ type: 'mrkdwn', text: 'a' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'policy v1' }] },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            { type: 'button', action_id: 'approve', text: text('Approve'), style: 'primary', value: 'r-1' },
            { type: 'button', action_id: 'reject', text: text('Reject'), style: 'danger', value: 'r-1' },
          ],
        },
        {
          type: 'input',
          label: text('Cluster'),
          element: {
            type: 'static_select',
            action_id: 'c',
            options: [{ text: text('a'), value: 'a' }],
            initial_option: { text: text('a'), value: 'a' },
          },
        },
      ]),
    ).toBeNull();
  });

  it('refuses what Slack refuses, with a json-pointer', () => {
    expect(problem(Array(51).fill({ type: 'divider' }))).toBe(
      '[ERROR] no more than 50 items allowed [json-pointer:/blocks]',
    );
    expect(problem(Array(101).fill({ type: 'divider' }), 100)).toContain('no more than 100 items');
    expect(problem([{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }])).toBe(
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    );
    expect(problem([{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }])).toContain('plain_text');
    expect(problem([{ type: 'section', text: { type: 'mrkdwn', text: '' } }])).toContain(
      'must be more than 0 characters',
    );
    expect(problem([{ type: 'section', fields: Array(11).fill({ type: 'mrkdwn', text: 'x' }) }])).toContain(
      'no more than 10 items',
    );
    const button = { type: 'button', action_id: 'a', text: text('A') };
    expect(problem([{ type: 'actions', elements: [button, button] }])).toContain("duplicate action_id 'a'");
    expect(problem([{ type: 'actions', elements: [{ ...button, text: text('x'.repeat(76)) }] }])).toContain(
      'less than 76 characters',
    );
    expect(problem([{ type: 'actions', elements: [{ ...button, style: 'green' }] }])).toContain('primary');
    expect(
      problem([{ type: 'actions', elements: [{ type: 'plain_text_input', action_id: 'x' }] }]),
    ).toContain("'plain_text_input' is not allowed in actions");
    expect(problem([{ type: 'rich_text', elements: [] }])).toContain("unsupported block type 'rich_text'");
    expect(
      problem([
        { type: 'divider', block_id: 'd' },
        { type: 'divider', block_id: 'd' },
      ]),
    ).toContain("block_id 'd' is not unique");
    expect(
      problem([
        {
          type: 'input',
          label: text('x'),
          element: {
            type: 'static_select',
            options: [{ text: text('a'), value: 'a' }],
            initial_option: { value: 'b' },
          },
        },
      ]),
    ).toContain('initial_option must be one of the options');
    expect(checkBlocks('not a list', 50)).toMatchObject({ error: 'invalid_blocks_format' });
  });
});

describe('views', () => {
  const modal = { type: 'modal', title: text('Create'), blocks: [] };
  it('takes a modal as a JSON string or an object, and fills in block and action ids', () => {
    const parsed = parseView(
      JSON.stringify({
        ...modal,
        submit: text('Go'),
        blocks: [{ type: 'input', label: text('L'), element: { type: 'plain_text_input' } }],
      }),
      ['modal'],
    );
    expect(parsed.ok).toBe(true);
    const block = parsed.ok
      ? (parsed.view.blocks as { block_id: string; element: { action_id: string } }[])[0]
      : null;
    expect(block?.block_id).toMatch(/.+/);
    expect(block?.element.action_id).toMatch(/.+/);
  });

  it('refuses long titles, a missing submit, and the wrong type', () => {
    const messages = (raw: unknown, types: ('modal' | 'home')[] = ['modal']) => {
      const parsed = parseView(raw, types);
      return parsed.ok ? [] : parsed.problem.messages;
    };
    expect(messages({ ...modal, title: text('x'.repeat(25)) })).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    expect(
      messages({
        ...modal,
        blocks: [{ type: 'input', label: text('L'), element: { type: 'plain_text_input' } }],
      }),
    ).toEqual(['[ERROR] submit is required when the view has an input block [json-pointer:/view]']);
    expect(messages(modal, ['home'])).toEqual(['[ERROR] view type must be home [json-pointer:/view/type]']);
    expect(messages('{not json')).toHaveLength(1);
    const huge = parseView({ ...modal, private_metadata: 'x'.repeat(260_000) }, ['modal']);
    expect(huge.ok ? null : huge.problem.error).toBe('view_too_large');
  });
});

describe('element state', () => {
  const select = {
    type: 'static_select',
    action_id: 's',
    options: [
      { text: text('A'), value: 'a' },
      { text: text('B'), value: 'b' },
    ],
  };
  it('reports what a person chose as Slack does', () => {
    expect(elementState(select, { selected: 'b' }, 'x.s')).toEqual({
      type: 'static_select',
      selected_option: { text: text('B'), value: 'b' },
    });
    expect(elementState(select, undefined, 'x.s')).toEqual({ type: 'static_select', selected_option: null });
    expect(elementState({ type: 'plain_text_input' }, 'hi', 'x.t')).toEqual({
      type: 'plain_text_input',
      value: 'hi',
    });
    expect(() => elementState(select, 'b', 'x.s')).toThrow(/takes \{ selected/);
    expect(() => elementState(select, { selected: 'z' }, 'x.s')).toThrow(/no option 'z'/);
  });

  it('keeps ids the app gave and makes up the rest', () => {
    const [kept, made] = withSlackIds([
      { type: 'actions', block_id: 'b', elements: [{ type: 'button', action_id: 'a', text: text('A') }] },
      { type: 'actions', elements: [{ type: 'button', text: text('B') }] },
    ]) as { block_id: string; elements: { action_id: string }[] }[];
    expect(kept).toMatchObject({ block_id: 'b', elements: [{ action_id: 'a' }] });
    expect(made?.block_id).toMatch(/.+/);
    expect(made?.elements[0]?.action_id).toMatch(/.+/);
  });
});

describe('trigger_ids and response_urls', () => {
  it('takes a trigger_id once within 3 seconds', () => {
    const clock = new Clock();
    const triggers = new TriggerRegistry(clock);
    const id = triggers.issue('UALICE');
    expect(id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    // Just inside the 3 s: the clock also follows real time, which moves on while the test runs.
    clock.advance(2_900);
    expect(triggers.exchange(id)).toMatchObject({ ok: true, trigger: { user: 'UALICE' } });
    expect(triggers.exchange(id)).toEqual({ ok: false, error: 'exchanged_trigger_id' });
    const late = triggers.issue('UALICE');
    clock.advance(3_001);
    expect(triggers.exchange(late)).toEqual({ ok: false, error: 'expired_trigger_id' });
    expect(triggers.exchange('1.2.3')).toEqual({ ok: false, error: 'invalid_trigger_id' });
  });

  it('takes a response_url five times within 30 minutes', () => {
    const clock = new Clock();
    const urls = new ResponseUrlRegistry(clock);
    const target = { channel: 'C1', user: 'U1', messageTs: null };
    const path = urls.issue('commands', 'T1', target);
    for (let i = 0; i < 5; i++) expect(urls.use(path)).not.toBeNull();
    expect(urls.use(path)).toBeNull();
    const other = urls.issue('actions', 'T1', target);
    clock.advance(30 * 60_000 + 1);
    expect(urls.use(other)).toBeNull();
  });
});

describe('rate limits', () => {
  it('lets a burst through, then one a second, with Retry-After in whole seconds', () => {
    const clock = new Clock();
    const buckets = new TokenBuckets({ perSecond: 1, burst: 2 }, clock);
    expect(buckets.take('C1')).toEqual({ ok: true });
    expect(buckets.take('C1')).toEqual({ ok: true });
    expect(buckets.take('C1')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('C2')).toEqual({ ok: true });
    clock.advance(1_000);
    expect(buckets.take('C1')).toEqual({ ok: true });
  });
});

describe("Slack's spec and signature", () => {
  it('reads required arguments and scopes from the published spec', () => {
    const specs = loadMethodSpecs(
      resolve(import.meta.dirname, '../../../../shared/slack/slack_web_openapi_v2.json'),
    );
    expect(specs.get('chat.postMessage')).toEqual({ required: ['channel'], scope: 'chat:write' });
    expect(specs.get('views.open')).toEqual({ required: ['trigger_id', 'view'], scope: null });
    expect(specs.get('users.info')?.scope).toBe('users:read');
  });

  it("matches Slack's published signature example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { isSslCheck, parseSlackDelivery } from '../../../src/bot/parse-slack-delivery.js';

const form = 'application/x-www-form-urlencoded';
const interaction = (payload: unknown) =>
  parseSlackDelivery(form, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());

const command = {
  command: '/n3r',
  text: 'help',
  team_id: 'T1',
  user_id: 'U1',
  channel_id: 'C1',
  trigger_id: '1.2.abc',
};
const click = {
  type: 'block_actions',
  user: { id: 'U1' },
  trigger_id: '1.2.abc',
  actions: [{ type: 'button', action_id: 'n3r_approve', action_ts: '1.000001', value: 'r-1' }],
};
const submission = {
  type: 'view_submission',
  user: { id: 'U1' },
  view: {
    id: 'V1',
    hash: 'h1',
    callback_id: 'n3r_reject',
    private_metadata: '{"requestId":"r-1"}',
    state: { values: { reason: { value: { type: 'plain_text_input', value: 'no' } } } },
  },
};
const eventCallback = (event: unknown) => ({
  type: 'event_callback',
  team_id: 'T1',
  event_id: 'Ev1',
  event,
});

describe('parseSlackDelivery', () => {
  it('reads slash commands, interactions and events as Slack sends them', () => {
    expect(parseSlackDelivery(form, new URLSearchParams(command).toString())).toEqual({
      type: 'delivery',
      body: command,
    });
    expect(interaction(click)).toEqual({ type: 'delivery', body: click });
    expect(interaction(submission)).toEqual({ type: 'delivery', body: submission });
    const reaction = eventCallback({
      type: 'reaction_added',
      user: 'U1',
      reaction: 'x',
      item: { type: 'message', channel: 'C1', ts: '1.2' },
    });
    expect(parseSlackDelivery('application/json; charset=utf-8', JSON.stringify(reaction))).toEqual({
      type: 'delivery',
      body: reaction,
    });
    const other = eventCallback({ type: 'member_joined_channel' });
    expect(parseSlackDelivery('application/json', JSON.stringify(other))).toMatchObject({ type: 'delivery' });
  });

  it('answers url_verification and app_rate_limited itself', () => {
    expect(
      parseSlackDelivery('application/json', JSON.stringify({ type: 'url_verification', challenge: 'abc' })),
    ).toEqual({ type: 'url_verification', challenge: 'abc' });
    expect(parseSlackDelivery('application/json', '{"type":"app_rate_limited"}')).toEqual({
      type: 'app_rate_limited',
    });
  });

  it.each([
    ['a payload that is not JSON', 'payload=%7Bnot-json', 'the interaction payload is not JSON'],
    ['a payload that is a JSON array', 'payload=%5B1%5D', 'is not a JSON object'],
    ['a payload without a type', `payload=${encodeURIComponent('{"user":{"id":"U1"}}')}`, 'has no type'],
    [
      'a type the app does not handle',
      `payload=${encodeURIComponent('{"type":"dialog_submission"}')}`,
      "interaction type 'dialog_submission' is not one this app handles",
    ],
    ['a form with neither payload nor command', 'text=hello', 'needs a payload field'],
  ])('refuses %s', (_what, body, problem) => {
    const parsed = parseSlackDelivery(form, body);
    expect(parsed.type).toBe('malformed');
    expect(parsed).toMatchObject({ problem: expect.stringContaining(problem) });
  });

  it('names the field a listener would have needed', () => {
    expect(interaction({ ...click, actions: [] })).toMatchObject({
      type: 'malformed',
      problem: expect.stringContaining('block_actions: actions'),
    });
    expect(interaction({ ...click, user: 'U1' })).toMatchObject({
      problem: expect.stringContaining('user'),
    });
    const { view: _view, ...noView } = submission;
    expect(interaction(noView)).toMatchObject({ problem: expect.stringContaining('view_submission: view') });
    expect(
      interaction({ ...submission, view: { ...submission.view, private_metadata: 'r-1' } }),
    ).toMatchObject({
      problem: expect.stringContaining('view.private_metadata: is not a JSON object'),
    });
    const { text: _text, ...noText } = command;
    expect(parseSlackDelivery(form, new URLSearchParams(noText).toString())).toMatchObject({
      problem: expect.stringContaining('slash command: text'),
    });
    const noItem = eventCallback({ type: 'reaction_added', user: 'U1', reaction: 'x' });
    expect(parseSlackDelivery('application/json', JSON.stringify(noItem))).toMatchObject({
      problem: expect.stringContaining('reaction_added event: item'),
    });
    const { event_id: _id, ...noEventId } = eventCallback({ type: 'app_mention' });
    expect(parseSlackDelivery('application/json', JSON.stringify(noEventId))).toMatchObject({
      problem: expect.stringContaining('event_id'),
    });
  });

  it('refuses bodies in other content types and JSON without a type', () => {
    expect(parseSlackDelivery('text/plain', 'hello')).toMatchObject({ type: 'unsupported_media' });
    expect(parseSlackDelivery(undefined, 'hello')).toMatchObject({ type: 'unsupported_media' });
    expect(parseSlackDelivery('application/json', '{}')).toMatchObject({
      type: 'malformed',
      problem: expect.stringContaining('has no type'),
    });
    expect(parseSlackDelivery('application/json', 'nope')).toMatchObject({ type: 'malformed' });
  });
});

describe('isSslCheck', () => {
  it("recognises Slack's certificate check and nothing that carries a delivery", () => {
    expect(isSslCheck(form, 'ssl_check=1&token=x')).toBe(true);
    expect(isSslCheck(form, 'ssl_check=1&payload=%7B%7D')).toBe(false);
    expect(isSslCheck(form, 'ssl_check=1&command=%2Fn3r')).toBe(false);
    expect(isSslCheck('application/json', 'ssl_check=1')).toBe(false);
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator, type SlackEmulatorOptions } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, localWorkspace, people } from '../../devtools/workspace/local-workspace.js';

/**
 * The Slack emulator against a real Bolt app, in HTTP mode and in Socket Mode: every kind of delivery
 * arrives and is acked, and the Web API refuses what Slack refuses.
 */

type Mode = 'http' | 'socket';

/** What the tiny app saw: one entry per listener call. */
interface Seen {
  kind: string;
  retryNum?: number;
  retryReason?: string;
  eventId?: string;
  body: Record<string, unknown>;
}

const text = (t: string) => ({ type: 'plain_text' as const, text: t });

const formView = {
  type: 'modal' as const,
  callback_id: 'ns-create',
  title: text('Create a namespace'),
  submit: text('Create'),
  private_metadata: JSON.stringify({ channel: channels.team }),
  blocks: [
    {
      type: 'input' as const,
      block_id: 'ns_name',
      label: text('Name'),
      element: { type: 'plain_text_input' as const, action_id: 'name', max_length: 63 },
    },
    {
      type: 'input' as const,
      block_id: 'cluster',
      label: text('Cluster'),
      element: {
        type: 'static_select' as const,
        action_id: 'cluster_select',
        options: [
          { text: text('pub-local-a'), value: 'pub-local-a' },
          { text: text('ded-local-a'), value: 'ded-local-a' },
        ],
      },
    },
    {
      type: 'actions' as const,
      block_id: 'more',
      elements: [{ type: 'button' as const, action_id: 'more_options', text: text('More options') }],
    },
  ],
};

const detailsView = {
  type: 'modal' as const,
  callback_id: 'ns-details',
  title: text('Details'),
  submit: text('Save'),
  blocks: [
    {
      type: 'input' as const,
      block_id: 'note',
      optional: true,
      label: text('Note'),
      element: { type: 'plain_text_input' as const, action_id: 'note_input' },
    },
  ],
};

const homeView = (opened: number) => ({
  type: 'home' as const,
  callback_id: 'home',
  blocks: [
    { type: 'section' as const, text: { type: 'mrkdwn' as const, text: `Opened ${opened} time(s)` } },
    {
      type: 'actions' as const,
      elements: [{ type: 'button' as const, action_id: 'refresh', text: text('Refresh') }],
    },
  ],
});

/** A tiny Bolt app with a listener for every delivery the emulator makes. */
function boltApp(emulator: SlackEmulator, mode: Mode, seen: Seen[], receiver?: SocketModeReceiver): App {
  const app = receiver
    ? new App({
        token: emulator.botToken,
        receiver,
        clientOptions: { slackApiUrl: emulator.apiUrl },
        logLevel: LogLevel.ERROR,
      })
    : new App({
        token: emulator.botToken,
        signingSecret: emulator.signingSecret,
        clientOptions: { slackApiUrl: emulator.apiUrl },
        logLevel: LogLevel.ERROR,
        ...(mode === 'socket' ? { socketMode: true, appToken: emulator.appToken } : {}),
      });
  let homeOpened = 0;
  app.command('/n3r', async ({ ack, command, client }) => {
    seen.push({ kind: 'command', body: command });
    if (command.text === 'slow') return; // never acks
    if (command.text === 'card') {
      await ack();
      await client.chat.postMessage({
        channel: command.channel_id,
        text: 'Request r-1: waiting for approval',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Request *r-1*: waiting for approval' } },
          {
            type: 'actions',
            block_id: 'decide-r-1',
            elements: [
              { type: 'button', action_id: 'approve', text: text('Approve'), value: 'r-1', style: 'primary' },
              { type: 'button', action_id: 'reject', text: text('Reject'), value: 'r-1', style: 'danger' },
            ],
          },
        ],
      });
      return;
    }
    await ack({ text: `got: ${command.text}` });
  });
  app.action('approve', async ({ ack, body, respond }) => {
    await ack();
    seen.push({ kind: 'approve', body: body as unknown as Record<string, unknown> });
    await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
  });
  app.action('more_options', async ({ ack, body, client }) => {
    await ack();
    seen.push({ kind: 'more_options', body: body as unknown as Record<string, unknown> });
    await client.views.push({ trigger_id: (body as { trigger_id: string }).trigger_id, view: detailsView });
  });
  app.action('refresh', async ({ ack, body, client }) => {
    await ack();
    seen.push({ kind: 'refresh', body: body as unknown as Record<string, unknown> });
    const view = (body as { view: { hash: string } }).view;
    await client.views.publish({ user_id: body.user.id, hash: view.hash, view: homeView(homeOpened) });
  });
  app.shortcut('open-form', async ({ ack, shortcut, client }) => {
    await ack();
    seen.push({ kind: 'shortcut', body: shortcut as unknown as Record<string, unknown> });
    await client.views.open({ trigger_id: shortcut.trigger_id, view: formView });
  });
  app.view('ns-details', async ({ ack, body, view }) => {
    seen.push({ kind: 'details-submitted', body: body as unknown as Record<string, unknown> });
    if (view.state.values.note?.note_input?.value === 'more') {
      await ack({ response_action: 'update', view: { ...detailsView, title: text('More details') } });
      return;
    }
    await ack();
  });
  app.view('ns-create', async ({ ack, view, body }) => {
    seen.push({ kind: 'form-submitted', body: body as unknown as Record<string, unknown> });
    const name = view.state.values.ns_name?.name?.value;
    if (name === 'taken') {
      await ack({ response_action: 'errors', errors: { ns_name: 'That name is taken' } });
      return;
    }
    await ack();
  });
  app.event('app_home_opened', async ({ event, client, body }) => {
    homeOpened++;
    seen.push({
      kind: 'app_home_opened',
      eventId: body.event_id,
      body: event as unknown as Record<string, unknown>,
    });
    await client.views.publish({ user_id: event.user, view: homeView(homeOpened) });
  });
  app.event('reaction_added', async ({ event, body, context }) => {
    seen.push({
      kind: 'reaction_added',
      eventId: body.event_id,
      retryNum: context.retryNum,
      retryReason: context.retryReason,
      body: event as unknown as Record<string, unknown>,
    });
  });
  app.event('app_mention', async ({ event, body, context, say }) => {
    seen.push({
      kind: 'app_mention',
      eventId: body.event_id,
      retryNum: context.retryNum,
      retryReason: context.retryReason,
      body: event as unknown as Record<string, unknown>,
    });
    if (context.retryNum === undefined || context.retryNum === 0)
      await say({ text: 'On it', thread_ts: event.ts });
  });
  return app;
}

interface Running {
  emulator: SlackEmulator;
  app: App;
  seen: Seen[];
  stop(): Promise<void>;
}

async function startWithApp(mode: Mode, options: SlackEmulatorOptions = {}): Promise<Running> {
  const emulator = new SlackEmulator(localWorkspace(), options);
  await emulator.start();
  const seen: Seen[] = [];
  const app = boltApp(emulator, mode, seen);
  if (mode === 'http') {
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    emulator.appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  } else {
    await app.start();
  }
  return {
    emulator,
    app,
    seen,
    stop: async () => {
      await app.stop();
      await emulator.stop();
    },
  };
}

/** The Slack error code a Web API call failed with, or 'ok'. */
async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return (error as { data?: { error?: string } }).data?.error ?? String(error);
  }
}

const webClient = (emulator: SlackEmulator, token = emulator.botToken, extra = {}) =>
  new WebClient(token, {
    slackApiUrl: emulator.apiUrl,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    ...extra,
  });

describe.each<Mode>(['http', 'socket'])('a Bolt app in %s mode', (mode) => {
  let r: Running;
  beforeAll(async () => {
    r = await startWithApp(mode);
  });
  afterAll(async () => {
    await r.stop();
  });

  it(
    mode === 'socket'
      ? 'connects over Socket Mode (hello) and gets deliveries there'
      : 'gets signed HTTP posts',
    async () => {
      expect(r.emulator.socketConnections).toBe(mode === 'socket' ? 1 : 0);
      const opened = r.emulator.calls.filter((c) => c.method === 'apps.connections.open');
      expect(opened).toHaveLength(mode === 'socket' ? 1 : 0);
      if (mode === 'socket')
        expect(opened[0]?.response.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    },
  );

  it('delivers a slash command and keeps the ack body as an ephemeral answer', async () => {
    const delivery = await r.emulator.slashCommand({
      text: 'hello',
      user: people.requester,
      channel: channels.team,
    });
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).toEqual({ text: 'got: hello' });
    expect(r.emulator.ephemeralsFor(people.requester).at(-1)).toMatchObject({
      text: 'got: hello',
      via: 'ack',
    });
    const record = r.emulator.deliveries.find((d) => d.deliveryId === delivery.deliveryId);
    expect(record).toMatchObject({ type: 'slash_commands', transport: mode, retryNum: 0 });
    expect(r.seen.at(-1)?.body).toMatchObject({
      command: '/n3r',
      text: 'hello',
      trigger_id: delivery.triggerId,
    });
  });

  it('delivers a button click with the message, and applies replace_original from the response_url', async () => {
    await r.emulator.slashCommand({ text: 'card', user: people.requester, channel: channels.team });
    const card = await r.emulator.waitFor('the card', () =>
      r.emulator.channelMessages(channels.team).find((m) => m.text.startsWith('Request r-1')),
    );
    const click = await r.emulator.clickButton({
      user: people.approver,
      channel: channels.team,
      ts: card.ts,
      actionId: 'approve',
    });
    expect(click.status).toBe(200);
    await r.emulator.waitFor('the card to be replaced', () => card.text.startsWith('Approved'));
    expect(card.history).toHaveLength(2);
    const body = r.seen.find((s) => s.kind === 'approve')?.body;
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: people.approver },
      container: { type: 'message', message_ts: card.ts, channel_id: channels.team },
      channel: { id: channels.team, name: 'team-a' },
      message: { ts: card.ts, text: 'Request r-1: waiting for approval' },
      actions: [
        { type: 'button', action_id: 'approve', block_id: 'decide-r-1', value: 'r-1', style: 'primary' },
      ],
    });
    expect(body?.trigger_id).toEqual(click.triggerId);
    expect(String(body?.response_url)).toMatch(/\/actions\/T0N3RLOCAL\//);
    // The card has no buttons any more; a client that has not redrawn it can still click the old one.
    const again = { user: people.teammate, channel: channels.team, ts: card.ts, actionId: 'approve' };
    await expect(r.emulator.clickButton(again)).rejects.toThrow(/no button 'approve'/);
    expect((await r.emulator.clickButton({ ...again, version: 0 })).status).toBe(200);
    await r.emulator.waitFor(
      'the stale click',
      () => r.seen.filter((s) => s.kind === 'approve').length === 2,
    );
  });

  it('opens a modal from a shortcut, pushes one from a button in it, and submits both', async () => {
    const shortcut = await r.emulator.globalShortcut({ user: people.requester, callbackId: 'open-form' });
    expect(shortcut.status).toBe(200);
    const [form] = await r.emulator.waitFor('the modal', () => {
      const modals = r.emulator.openModals(people.requester);
      return modals.length === 1 && modals;
    });
    expect(form).toMatchObject({ callbackId: 'ns-create', type: 'modal', open: true });
    const formId = form?.id ?? '';

    expect(
      (
        await r.emulator.clickButtonInView({
          user: people.requester,
          viewId: formId,
          actionId: 'more_options',
        })
      ).status,
    ).toBe(200);
    const pushed = await r.emulator.waitFor(
      'the pushed modal',
      () => r.emulator.openModals(people.requester)[1],
    );
    expect(pushed).toMatchObject({ callbackId: 'ns-details', rootViewId: formId, previousViewId: formId });
    expect(r.seen.find((s) => s.kind === 'more_options')?.body).toMatchObject({
      container: { type: 'view', view_id: formId },
      view: { id: formId, callback_id: 'ns-create' },
    });

    const more = await r.emulator.submitView({
      user: people.requester,
      viewId: pushed.id,
      values: { note: { note_input: 'more' } },
    });
    expect(more.response).toMatchObject({ response_action: 'update' });
    expect(pushed.open).toBe(true);
    expect(pushed.history.map((v) => (v.title as { text: string }).text)).toEqual([
      'Details',
      'More details',
    ]);
    const details = await r.emulator.submitView({ user: people.requester, viewId: pushed.id });
    expect(details.response).toEqual({});
    expect(r.emulator.openModals(people.requester).map((v) => v.id)).toEqual([formId]);

    const refused = await r.emulator.submitView({
      user: people.requester,
      viewId: formId,
      values: { ns_name: { name: 'taken' }, cluster: { cluster_select: { selected: 'pub-local-a' } } },
    });
    expect(refused.status).toBe(200);
    expect(refused.response).toEqual({
      response_action: 'errors',
      errors: { ns_name: 'That name is taken' },
    });
    expect(r.emulator.openModals(people.requester)).toHaveLength(1);

    const accepted = await r.emulator.submitView({
      user: people.requester,
      viewId: formId,
      values: { ns_name: { name: 'team-a-web' }, cluster: { cluster_select: { selected: 'ded-local-a' } } },
    });
    expect(accepted.response).toEqual({});
    expect(r.emulator.openModals(people.requester)).toEqual([]);
    const submitted = r.seen.filter((s) => s.kind === 'form-submitted').at(-1)?.body;
    expect(submitted).toMatchObject({
      type: 'view_submission',
      view: {
        id: formId,
        private_metadata: JSON.stringify({ channel: channels.team }),
        state: {
          values: {
            ns_name: { name: { type: 'plain_text_input', value: 'team-a-web' } },
            cluster: {
              cluster_select: {
                type: 'static_select',
                selected_option: { text: text('ded-local-a'), value: 'ded-local-a' },
              },
            },
          },
        },
      },
    });
  });

  it('refuses a submission Slack’s client would not send', async () => {
    await r.emulator.globalShortcut({ user: people.teammate, callbackId: 'open-form' });
    const form = await r.emulator.waitFor('the modal', () => r.emulator.openModals(people.teammate)[0]);
    await expect(
      r.emulator.submitView({ user: people.teammate, viewId: form.id, values: {} }),
    ).rejects.toThrow(/ns_name.name is required/);
    await expect(
      r.emulator.submitView({
        user: people.teammate,
        viewId: form.id,
        values: { ns_name: { name: 'x' }, cluster: { cluster_select: { selected: 'nowhere' } } },
      }),
    ).rejects.toThrow(/no option 'nowhere'/);
    await expect(
      r.emulator.submitView({ user: people.teammate, viewId: form.id, values: { typo: { name: 'x' } } }),
    ).rejects.toThrow(/no input block 'typo'/);
  });

  it('delivers app_home_opened, and a click in the App Home', async () => {
    const opened = await r.emulator.appHomeOpened({ user: people.approver });
    expect(opened.status).toBe(200);
    const home = await r.emulator.waitFor('the home', () => r.emulator.homeOf(people.approver));
    expect(home.type).toBe('home');
    const event = r.seen.find((s) => s.kind === 'app_home_opened');
    expect(event?.body).toMatchObject({ type: 'app_home_opened', user: people.approver, tab: 'home' });
    expect(event?.eventId).toMatch(/^Ev[A-Z0-9]+$/);

    await r.emulator.clickButtonInView({ user: people.approver, viewId: home.id, actionId: 'refresh' });
    await r.emulator.waitFor('the home to be republished', () => home.history.length === 2);
    expect(r.emulator.calls.filter((c) => c.method === 'views.publish').every((c) => c.response.ok)).toBe(
      true,
    );
  });

  it('delivers reaction_added and app_mention, and redelivers an event ×4 with one event_id', async () => {
    const posted = await r.emulator.mention({
      user: people.requester,
      channel: channels.team,
      text: 'status please',
    });
    expect(posted.status).toBe(200);
    for (const retry of [1, 2, 3]) {
      expect((await r.emulator.redeliver(posted.deliveryId, retry)).status).toBe(200);
    }
    const mentions = await r.emulator.waitFor('4 mentions', () => {
      const all = r.seen.filter((s) => s.kind === 'app_mention');
      return all.length === 4 && all;
    });
    expect(new Set(mentions.map((m) => m.eventId)).size).toBe(1);
    expect(mentions.map((m) => m.retryNum)).toEqual(mode === 'http' ? [undefined, 1, 2, 3] : [0, 1, 2, 3]);
    expect(mentions.slice(1).map((m) => m.retryReason)).toEqual(
      Array(3).fill(mode === 'http' ? 'http_timeout' : 'timeout'),
    );
    expect(mentions[0]?.body).toMatchObject({ type: 'app_mention', user: people.requester, ts: posted.ts });
    expect(String(mentions[0]?.body.text)).toContain(`<@${r.emulator.botUserId}>`);
    const attempts = r.emulator.deliveries.filter((d) => d.deliveryId === posted.deliveryId);
    expect(attempts.map((a) => [a.retryNum, a.transport, a.status])).toEqual(
      [0, 1, 2, 3].map((n) => [n, mode, 200]),
    );
    await r.emulator.waitFor(
      'the reply in the thread',
      () => r.emulator.threadReplies(channels.team, posted.ts)[0],
    );

    const reaction = await r.emulator.addReaction({
      user: people.approver,
      channel: channels.team,
      ts: posted.ts,
      reaction: 'white_check_mark',
    });
    expect(reaction.status).toBe(200);
    const seen = await r.emulator.waitFor('the reaction', () =>
      r.seen.find((s) => s.kind === 'reaction_added'),
    );
    expect(seen.body).toMatchObject({
      type: 'reaction_added',
      user: people.approver,
      reaction: 'white_check_mark',
      item_user: people.requester,
      item: { type: 'message', channel: channels.team, ts: posted.ts },
    });
    expect(r.emulator.message(channels.team, posted.ts)?.reactions).toEqual([
      { name: 'white_check_mark', users: [people.approver], count: 1 },
    ]);
  });

  it('reports a delivery the app never answers within 3 seconds', async () => {
    const delivery = await r.emulator.slashCommand({
      text: 'slow',
      user: people.requester,
      channel: channels.team,
    });
    expect(delivery.status).toBe(0);
    expect(delivery.body).toMatch(mode === 'socket' ? /no ack/ : /no response within 3000 ms/);
  });

  if (mode === 'http') {
    it('gets 401 from Bolt for a forged signature or a stale timestamp, and the challenge echoed', async () => {
      const body = new URLSearchParams({
        command: '/n3r',
        text: 'hello',
        user_id: people.requester,
      }).toString();
      const form = 'application/x-www-form-urlencoded';
      expect((await r.emulator.deliver(body, form, { signature: `v0=${'0'.repeat(64)}` })).status).toBe(401);
      const stale = Math.floor(Date.now() / 1000) - 301;
      expect((await r.emulator.deliver(body, form, { timestamp: stale })).status).toBe(401);
      expect((await r.emulator.urlVerification()).echoed).toBe(true);
    });
  }
});

describe('Socket Mode connection life', () => {
  it('reconnects after Slack sends disconnect, and deliveries go on', async () => {
    const emulator = new SlackEmulator(localWorkspace());
    await emulator.start();
    const seen: Seen[] = [];
    // clientPingTimeout sets the reconnect delay too (5 s by default); 1 s keeps the test short.
    const receiver = new SocketModeReceiver({
      appToken: emulator.appToken,
      clientPingTimeout: 1_000,
      logLevel: LogLevel.ERROR,
      installerOptions: { clientOptions: { slackApiUrl: emulator.apiUrl } },
    });
    const app = boltApp(emulator, 'socket', seen, receiver);
    try {
      await app.start();
      expect(emulator.socketConnections).toBe(1);
      emulator.disconnectSocketMode('refresh_requested');
      await emulator.waitFor(
        'a second apps.connections.open',
        () => emulator.calls.filter((c) => c.method === 'apps.connections.open').length === 2,
      );
      await emulator.waitFor('the new connection', () => emulator.socketConnections === 1);
      const delivery = await emulator.slashCommand({
        text: 'again',
        user: people.requester,
        channel: channels.team,
      });
      expect(delivery).toMatchObject({ status: 200, body: JSON.stringify({ text: 'got: again' }) });
      expect(emulator.deliveries.at(-1)?.transport).toBe('socket');
    } finally {
      await app.stop();
      await emulator.stop();
    }
  });

  it('refuses a bot token for apps.connections.open and an app-level token elsewhere', async () => {
    const emulator = new SlackEmulator(localWorkspace());
    await emulator.start();
    try {
      expect(await slackError(webClient(emulator).apps.connections.open())).toBe('not_allowed_token_type');
      const asApp = webClient(emulator, emulator.appToken);
      expect(await slackError(asApp.chat.postMessage({ channel: channels.team, text: 'hi' }))).toBe(
        'not_allowed_token_type',
      );
      const opened = await asApp.apps.connections.open();
      expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]+&app_id=A0N3RLOCAL$/);
    } finally {
      await emulator.stop();
    }
  });
});

describe('the Web API refuses what Slack refuses', () => {
  let r: Running;
  let client: WebClient;
  beforeAll(async () => {
    r = await startWithApp('http');
    client = webClient(r.emulator);
  });
  afterAll(async () => {
    await r.stop();
  });

  /** A fresh trigger_id, from a slash command the app acks. */
  async function trigger(): Promise<string> {
    const delivery = await r.emulator.slashCommand({
      text: 'x',
      user: people.requester,
      channel: channels.onCall,
    });
    return delivery.triggerId ?? '';
  }

  it('takes a trigger_id once, within 3 seconds, and only one it issued', async () => {
    const fresh = await trigger();
    r.emulator.advanceTime(2_900);
    expect(await slackError(client.views.open({ trigger_id: fresh, view: formView }))).toBe('ok');
    expect(await slackError(client.views.open({ trigger_id: fresh, view: formView }))).toBe(
      'exchanged_trigger_id',
    );
    const late = await trigger();
    r.emulator.advanceTime(3_001);
    expect(await slackError(client.views.open({ trigger_id: late, view: formView }))).toBe(
      'expired_trigger_id',
    );
    expect(
      await slackError(client.views.open({ trigger_id: '12345.98765.abcd2358fdea', view: formView })),
    ).toBe('invalid_trigger_id');
  });

  it('checks views: 100 blocks, a 24-character title, the hash, the push limit', async () => {
    const divider = { type: 'divider' as const };
    const tooMany = { ...formView, blocks: [...formView.blocks, ...Array(98).fill(divider)] };
    const call = client.views.open({ trigger_id: await trigger(), view: tooMany });
    await expect(call).rejects.toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: {
          messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'],
        },
      },
    });
    const longTitle = { ...formView, title: text('A title of 25 characters!') };
    expect(longTitle.title.text).toHaveLength(25);
    expect(await slackError(client.views.open({ trigger_id: await trigger(), view: longTitle }))).toBe(
      'invalid_arguments',
    );
    const { blocks: _, ...noBlocks } = formView;
    expect(
      await slackError(client.views.open({ trigger_id: await trigger(), view: noBlocks as never })),
    ).toBe('invalid_arguments');

    const opened = await client.views.open({ trigger_id: await trigger(), view: formView });
    const view = opened.view as { id: string; hash: string };
    expect(r.emulator.views.get(view.id)?.callbackId).toBe('ns-create');
    expect(
      await slackError(client.views.update({ view_id: view.id, hash: 'stale.hash', view: formView })),
    ).toBe('hash_conflict');
    const updated = await client.views.update({ view_id: view.id, hash: view.hash, view: detailsView });
    expect((updated.view as { hash: string }).hash).not.toBe(view.hash);
    expect(r.emulator.views.get(view.id)?.callbackId).toBe('ns-details');

    expect(await slackError(client.views.push({ trigger_id: await trigger(), view: detailsView }))).toBe(
      'ok',
    );
    expect(await slackError(client.views.push({ trigger_id: await trigger(), view: detailsView }))).toBe(
      'ok',
    );
    expect(await slackError(client.views.push({ trigger_id: await trigger(), view: detailsView }))).toBe(
      'push_limit_reached',
    );
    expect(await slackError(client.views.publish({ user_id: 'UNOBODY', view: homeView(0) }))).toBe(
      'invalid_arguments',
    );
    expect(
      await slackError(client.views.publish({ user_id: people.requester, view: formView as never })),
    ).toBe('invalid_arguments');
  });

  it('checks Block Kit limits in messages', async () => {
    const section = (t: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: t } });
    const post = (blocks: unknown[]) =>
      client.chat.postMessage({ channel: channels.team, text: 'x', blocks: blocks as never });
    expect(await slackError(post(Array(51).fill({ type: 'divider' })))).toBe('invalid_blocks');
    await expect(post([section('x'.repeat(3001))])).rejects.toMatchObject({
      data: {
        error: 'invalid_blocks',
        response_metadata: {
          messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
        },
      },
    });
    const button = { type: 'button', action_id: 'same', text: text('A') };
    expect(await slackError(post([{ type: 'actions', elements: [button, button] }]))).toBe('invalid_blocks');
    expect(
      await slackError(
        post([
          { type: 'actions', elements: [button] },
          { type: 'actions', elements: [button] },
        ]),
      ),
    ).toBe('ok');
    expect(
      await slackError(
        post([section('a'), { ...section('b'), block_id: 'x' }, { ...section('c'), block_id: 'x' }]),
      ),
    ).toBe('invalid_blocks');
    expect(await slackError(post([{ type: 'actions', elements: [{ ...button, disabled: true }] }]))).toBe(
      'invalid_blocks',
    );
    expect(await slackError(client.chat.postMessage({ channel: channels.team, text: '' }))).toBe('no_text');
    expect(await slackError(client.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' }))).toBe(
      'channel_not_found',
    );
  });

  it('posts to a person’s user id in the app’s direct message with them', async () => {
    const posted = await client.chat.postMessage({ channel: people.approver, text: 'just for you' });
    expect(posted.channel).toBe(r.emulator.dmChannel(people.approver));
    expect(r.emulator.channelMessages(r.emulator.dmChannel(people.approver)).map((m) => m.text)).toEqual([
      'just for you',
    ]);
  });

  it('answers unknown methods, bad tokens and missing arguments with Slack’s errors', async () => {
    expect(await slackError(client.apiCall('chat.frobnicate'))).toBe('unknown_method');
    expect(await slackError(webClient(r.emulator, 'xoxb-not-a-token').auth.test())).toBe('invalid_auth');
    expect(await slackError(webClient(r.emulator, '').auth.test())).toBe('not_authed');
    await expect(client.apiCall('chat.postMessage', { text: 'no channel' })).rejects.toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: { messages: ['[ERROR] missing required field: channel'] },
      },
    });
    const call = r.emulator.calls.at(-1);
    expect(call).toMatchObject({ method: 'chat.postMessage', status: 200, response: { ok: false } });
  });

  it('rate-limits chat.postMessage per channel with 429 and Retry-After, which the client waits out', async () => {
    const emulator = new SlackEmulator(localWorkspace(), { rateLimit: { perSecond: 1, burst: 3 } });
    await emulator.start();
    try {
      await rateLimited(emulator);
    } finally {
      await emulator.stop();
    }
  });

  it('limits other methods by their tier per workspace when asked: chat.update 50 a minute', async () => {
    const emulator = new SlackEmulator(localWorkspace(), { methodLimits: true });
    await emulator.start();
    try {
      const impatient = webClient(emulator, emulator.botToken, { rejectRateLimitedCalls: true });
      const posted = await impatient.chat.postMessage({ channel: channels.team, text: 'v0' });
      const ts = posted.ts ?? '';
      for (let i = 1; i <= 50; i++)
        await impatient.chat.update({ channel: channels.team, ts, text: `v${i}` });
      await expect(impatient.chat.update({ channel: channels.team, ts, text: 'v51' })).rejects.toMatchObject({
        code: 'slack_webapi_rate_limited_error',
      });
      expect(emulator.message(channels.team, ts)?.text).toBe('v50');
      // Another method has its own budget.
      expect(
        await slackError(
          impatient.chat.postEphemeral({ channel: channels.team, user: people.requester, text: 'x' }),
        ),
      ).toBe('ok');
    } finally {
      await emulator.stop();
    }
  });

  it('answers missing_scope when the bot lacks the method’s scope', async () => {
    const emulator = new SlackEmulator(localWorkspace(), { botScopes: ['chat:write', 'commands'] });
    await emulator.start();
    try {
      const scoped = webClient(emulator);
      await expect(scoped.users.info({ user: people.requester })).rejects.toMatchObject({
        data: { ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write,commands' },
      });
      const posted = await scoped.chat.postMessage({ channel: channels.team, text: 'allowed' });
      expect(posted.response_metadata?.scopes).toEqual(['chat:write', 'commands']);
      expect(await slackError(scoped.auth.test())).toBe('ok');
    } finally {
      await emulator.stop();
    }
  });

  it('keeps message metadata, checked as Slack checks it, and shows it to readers who ask for it', async () => {
    const metadata = { event_type: 'n3r_request', event_payload: { request_id: 'r-1' } };
    const posted = await client.chat.postMessage({ channel: channels.onCall, text: 'card', metadata });
    for (const bad of [
      { event_type: 'n3r_request' },
      { event_type: 7, event_payload: {} },
      { event_type: 'n3r_request', event_payload: 'r-1' },
      { event_type: '', event_payload: {} },
    ]) {
      expect(
        await slackError(
          client.chat.postMessage({ channel: channels.onCall, text: 'x', metadata: bad as never }),
        ),
      ).toBe('invalid_metadata_format');
    }
    await client.chat.update({ channel: channels.onCall, ts: posted.ts ?? '', text: 'card, redrawn' });
    const plain = await client.conversations.history({ channel: channels.onCall, limit: 1 });
    expect(plain.messages?.[0]).toMatchObject({ ts: posted.ts, text: 'card, redrawn' });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const full = await client.conversations.history({
      channel: channels.onCall,
      limit: 1,
      include_all_metadata: true,
    });
    expect(full.messages?.[0]?.metadata).toEqual(metadata);
  });

  it('reads a channel newest first and a thread oldest first, within oldest/latest, page by page', async () => {
    const emulator = new SlackEmulator({
      ...localWorkspace(),
      channels: [...localWorkspace().channels, { id: 'C0SECRET', name: 'secret', private: true }],
    });
    await emulator.start();
    try {
      const reader = webClient(emulator);
      const post = async (text: string, thread_ts?: string) =>
        (await reader.chat.postMessage({ channel: channels.team, text, ...(thread_ts ? { thread_ts } : {}) }))
          .ts ?? '';
      const first = await post('one');
      const second = await post('two');
      const reply = await post('two, a reply', second);
      const third = await post('three');
      const all = await reader.conversations.history({ channel: channels.team });
      expect(all.messages?.map((m) => m.text)).toEqual(['three', 'two', 'one']);
      expect(all.messages?.[1]).toMatchObject({ thread_ts: second, reply_count: 1 });
      const since = await reader.conversations.history({ channel: channels.team, oldest: first });
      expect(since.messages?.map((m) => m.ts)).toEqual([third, second]);
      const within = await reader.conversations.history({
        channel: channels.team,
        oldest: first,
        latest: third,
        inclusive: true,
      });
      expect(within.messages?.map((m) => m.ts)).toEqual([third, second, first]);
      const one = await reader.conversations.history({ channel: channels.team, limit: 2 });
      expect(one.messages?.map((m) => m.text)).toEqual(['three', 'two']);
      expect(one.has_more).toBe(true);
      const rest = await reader.conversations.history({
        channel: channels.team,
        limit: 2,
        cursor: one.response_metadata?.next_cursor ?? '',
      });
      expect(rest.messages?.map((m) => m.text)).toEqual(['one']);
      expect(rest.has_more).toBe(false);
      const thread = await reader.conversations.replies({ channel: channels.team, ts: second });
      expect(thread.messages?.map((m) => m.ts)).toEqual([second, reply]);
      expect(await slackError(reader.conversations.replies({ channel: channels.team, ts: '1.000001' }))).toBe(
        'thread_not_found',
      );
      expect(
        await slackError(reader.conversations.history({ channel: channels.team, oldest: 'yesterday' })),
      ).toBe('invalid_ts_oldest');
      expect(
        await slackError(reader.conversations.history({ channel: channels.team, cursor: 'bm9wZQ==' })),
      ).toBe('invalid_cursor');
      expect(await slackError(reader.conversations.history({ channel: 'C0NOWHERE' }))).toBe(
        'channel_not_found',
      );
    } finally {
      await emulator.stop();
    }
    // Reading takes the history scope of the conversation's type.
    const scoped = new SlackEmulator(
      {
        ...localWorkspace(),
        channels: [...localWorkspace().channels, { id: 'C0SECRET', name: 'secret', private: true }],
      },
      { botScopes: ['chat:write', 'channels:history'] },
    );
    await scoped.start();
    try {
      const reader = webClient(scoped);
      expect(await slackError(reader.conversations.history({ channel: channels.team }))).toBe('ok');
      await expect(reader.conversations.history({ channel: 'C0SECRET' })).rejects.toMatchObject({
        data: { error: 'missing_scope', needed: 'groups:history' },
      });
    } finally {
      await scoped.stop();
    }
  });
});

/** A burst of 3 then 1 a second: the 4th post gets 429, the client waits Retry-After and succeeds. */
async function rateLimited(emulator: SlackEmulator): Promise<void> {
  const before = emulator.calls.length;
  const patient = webClient(emulator, emulator.botToken, {
    retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 10 },
  });
  for (let i = 0; i < 4; i++) await patient.chat.postMessage({ channel: channels.approvals, text: `m${i}` });
  const posts = emulator.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
  expect(posts.map((c) => c.status)).toEqual([200, 200, 200, 429, 200]);
  expect(posts[3]?.response).toEqual({ ok: false, error: 'ratelimited' });
  expect(emulator.channelMessages(channels.approvals).map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3']);

  const raw = await fetch(`${emulator.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.botToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: channels.approvals, text: 'now' }),
  });
  expect(raw.status).toBe(429);
  expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const impatient = webClient(emulator, emulator.botToken, { rejectRateLimitedCalls: true });
  await expect(impatient.chat.postMessage({ channel: channels.approvals, text: 'x' })).rejects.toMatchObject({
    code: 'slack_webapi_rate_limited_error',
  });
  // Another channel has its own bucket.
  expect(await slackError(impatient.chat.postMessage({ channel: channels.team, text: 'fine' }))).toBe('ok');
}

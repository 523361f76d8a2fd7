import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import type { RunningN3r } from '../../src/start-n3r.js';
import { type PostableAlert, startTestAlertmanager, type TestAlertmanager } from '../support/alertmanager.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';
import { seedAccessLogs, uniqueNamespace } from '../support/log-seeds.js';

const token = randomBytes(24).toString('hex');
const webhookUrl = (n3r: RunningN3r) => `http://127.0.0.1:${n3r.opsPort}/webhooks/alertmanager`;

/** Alerts fired at a real Alertmanager, whose webhook reaches the bot, whose messages reach the Slack emulator. */
describe('on-call alert threads', () => {
  let h: Harness;
  let am: TestAlertmanager;
  beforeAll(async () => {
    h = await startHarness({ env: { N3R_ALERT_WEBHOOK_TOKEN: token } });
    am = await startTestAlertmanager();
    await am.configure({ webhookUrl: webhookUrl(h.n3r), bearerToken: token });
  });
  afterAll(async () => {
    await am?.stop();
    await h?.stop();
  });

  const latest = (m: StoredMessage) => h.emulator.message(m.channel, m.ts) ?? m;
  const everything = (m: StoredMessage) => `${m.text}\n${JSON.stringify(m.blocks)}`;
  const parentsOf = (channel: string, alertname: string) =>
    h.emulator
      .channelMessages(channel)
      .filter((m) => m.text.includes(alertname) && !m.text.includes('digest'));
  const parent = (channel: string, alertname: string) =>
    h.emulator.waitFor(`the thread of ${alertname} in ${channel}`, () => parentsOf(channel, alertname)[0]);
  const replies = (m: StoredMessage) => h.emulator.threadReplies(m.channel, m.ts);

  function alerts(alertname: string, labels: Record<string, string>, instances: string[]): PostableAlert[] {
    return instances.map((instance) => ({
      labels: { alertname, severity: 'critical', cluster: 'pub-local-a', ...labels, instance },
      annotations: { summary: `${alertname} is failing` },
      generatorURL: 'http://prometheus.example/graph?g0.expr=up',
    }));
  }

  it('opens one thread per group in the owning team channel and redraws it in place when the alerts resolve', async () => {
    const name = `DiskFull${uniqueSuffix()}`;
    const firing = alerts(name, { namespace: 'team-a-web', team: 'team-a' }, ['node-1', 'node-2']);
    await am.post(firing);
    const thread = await parent(channels.team, name);
    await h.emulator.waitFor('both alerts on the parent', () =>
      latest(thread).text.includes('FIRING: 2 alerts'),
    );
    const shown = everything(latest(thread));
    for (const needed of [
      'instance=node-1',
      'instance=node-2',
      'critical',
      `${name} is failing`,
      'n3r_alert_ack',
      'n3r_alert_silence',
      '/#/silences/new?filter=',
    ])
      expect(shown).toContain(needed);

    await am.resolve(firing);
    await h.emulator.waitFor(
      'the parent to say resolved',
      () => latest(thread).text.includes('RESOLVED'),
      20_000,
    );
    await h.emulator.waitFor('a reply that all resolved', () =>
      replies(thread).find((r) => r.text.includes('All alerts resolved')),
    );
    expect(latest(thread).history.length).toBeGreaterThan(1);
    expect(parentsOf(channels.team, name)).toHaveLength(1);
  });

  it('routes by the namespace owner read from the cluster, and to the default channel when no team is known', async () => {
    const namespace = `team-a-own-${uniqueSuffix()}`;
    await h.admin.apply(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { 'n3r.io/team': 'team-a' } },
      },
      { fieldManager: 'test' },
    );
    const owned = `Owned${uniqueSuffix()}`;
    const orphan = `Orphan${uniqueSuffix()}`;
    await am.post([
      ...alerts(owned, { namespace }, ['pod-1']),
      ...alerts(orphan, { namespace: `nobody-${uniqueSuffix()}` }, ['pod-1']),
    ]);
    await parent(channels.team, owned);
    await parent(channels.onCall, orphan);
    expect(parentsOf(channels.onCall, owned)).toHaveLength(0);
    expect(parentsOf(channels.team, orphan)).toHaveLength(0);
  });

  it('adds a reply only when something changed: a new alert firing, then one resolved', async () => {
    const name = `Latency${uniqueSuffix()}`;
    const first = alerts(name, { team: 'team-a', namespace: 'team-a-api' }, ['api-1']);
    await am.post(first);
    const thread = await parent(channels.team, name);
    const second = alerts(name, { team: 'team-a', namespace: 'team-a-api' }, ['api-2']);
    await am.post([...first, ...second]);
    const fired = await h.emulator.waitFor('a reply naming the new alert', () =>
      replies(thread).find((r) => r.text.includes('instance=api-2')),
    );
    expect(fired.text).toContain('Firing');
    expect(fired.text).not.toContain('api-1');
    await h.emulator.waitFor('the parent to list both', () =>
      latest(thread).text.includes('FIRING: 2 alerts'),
    );
    await am.resolve(first);
    const resolved = await h.emulator.waitFor('a reply naming the resolved alert', () =>
      replies(thread).find((r) => r.text.includes('Resolved') && r.text.includes('instance=api-1')),
    );
    expect(resolved.text).not.toContain('All alerts resolved');
    await h.emulator.waitFor('the parent to list one', () => latest(thread).text.includes('FIRING: 1 alert'));
    expect(replies(thread)).toHaveLength(2);
  });

  it('acknowledges through requests, by button or by command: a card in the thread, an audit trail, once per person, only for the team', async () => {
    const name = `Ack${uniqueSuffix()}`;
    await am.post(alerts(name, { team: 'team-a' }, ['x']));
    const thread = await parent(channels.team, name);
    const groupId = groupIdOf(thread);
    const cards = () => replies(thread).filter((r) => r.text.startsWith('alert.ack '));

    await h.emulator.clickButton({
      user: people.teammate,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_ack',
    });
    await h.emulator.waitFor('the first acknowledgement', () =>
      everything(latest(thread)).includes(`Acknowledged by <@${people.teammate}> at `),
    );
    const first = await h.emulator.waitFor('its card in the thread, done', () =>
      cards().find((c) => latest(c).text.includes('Done')),
    );
    expect(await trailOf(first)).toEqual(
      expect.arrayContaining([`decided:${people.teammate}`, 'succeeded:n3r']),
    );

    // The same by command, from the channel: its card goes to the alert's thread too.
    await h.emulator.slashCommand({
      text: `alert ack ${groupId}`,
      user: people.requester,
      channel: channels.team,
    });
    await h.emulator.waitFor('the second acknowledgement', () =>
      everything(latest(thread)).includes(`Also acknowledged by <@${people.requester}> at `),
    );
    const second = await h.emulator.waitFor('a second card in the thread', () => cards()[1]);
    expect(everything(latest(second))).toContain(`<@${people.requester}>`);

    // Again: a request like the others, whose result says nothing changed.
    await h.emulator.clickButton({
      user: people.teammate,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_ack',
    });
    await h.emulator.waitFor('the repeat to say it changed nothing', () =>
      cards().find((c) => everything(latest(c)).includes('Already acknowledged')),
    );
    expect(everything(latest(thread)).match(new RegExp(`<@${people.teammate}> at `, 'g'))).toHaveLength(1);

    // Someone outside team-a is refused by the policy, with the rule; no card, no acknowledgement.
    const before = cards().length;
    await h.emulator.clickButton({
      user: people.outsider,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_ack',
    });
    const refusal = await h.emulator.waitFor('the refusal', () =>
      h.emulator.ephemeralsFor(people.outsider).find((e) => e.text.includes('[ack.team]')),
    );
    expect(refusal.text).toContain('team-a-oncall');
    expect(cards()).toHaveLength(before);
    expect(everything(latest(thread))).not.toContain(`<@${people.outsider}> at `);

    // Bad input: a group n3r does not know, an id that is not one.
    await h.emulator.slashCommand({
      text: `alert ack ${'0'.repeat(32)}`,
      user: people.teammate,
      channel: channels.team,
    });
    await h.emulator.waitFor('the unknown group named', () =>
      h.emulator
        .ephemeralsFor(people.teammate)
        .find((e) => e.text.includes(`There is no alert group ${'0'.repeat(32)} here. Nothing was changed.`)),
    );
    await h.emulator.slashCommand({ text: 'alert ack nope', user: people.teammate, channel: channels.team });
    await h.emulator.waitFor('the malformed id named', () =>
      h.emulator.ephemeralsFor(people.teammate).find((e) => e.text.includes('must be an alert group id')),
    );
    expect(cards()).toHaveLength(before);
  });

  it('silences a group in Alertmanager for the on-call only, suppresses what follows, and expires it from the thread', async () => {
    const name = `Crash${uniqueSuffix()}`;
    const labels = { team: 'team-a', namespace: 'team-a-web' };
    await am.post(alerts(name, labels, ['pod-1']));
    const thread = await parent(channels.team, name);

    const openSilenceForm = async (user: string) => {
      const before = h.emulator.openModals(user).length;
      await h.emulator.clickButton({
        user,
        channel: thread.channel,
        ts: thread.ts,
        actionId: 'n3r_alert_silence',
      });
      return h.emulator.waitFor('the silence modal', () =>
        h.emulator.openModals(user).length > before ? h.emulator.openModals(user).at(-1) : undefined,
      );
    };
    const submit = (user: string, viewId: string, duration: string, comment: string) =>
      h.emulator.submitView({
        user,
        viewId,
        values: { duration: { value: duration }, comment: { value: comment } },
      });
    const ours = async () => (await am.silences()).filter((s) => s.matchers.some((m) => m.value === name));

    // Someone outside team-a's on-call group is refused by the policy; nothing reaches Alertmanager.
    await submit(people.outsider, (await openSilenceForm(people.outsider)).id, '1h', 'not my team');
    const refusal = await h.emulator.waitFor('the refusal', () =>
      h.emulator.ephemeralsFor(people.outsider).find((e) => e.text.includes('[silence.oncall]')),
    );
    expect(refusal.text).toContain('team-a-oncall');
    expect(await ours()).toHaveLength(0);

    // A bad duration is answered in the modal.
    const form = await openSilenceForm(people.teammate);
    const bad = await submit(people.teammate, form.id, 'forever', 'deploy');
    expect(JSON.stringify(bad.response)).toContain('A duration such as');
    await submit(people.teammate, form.id, '1h', 'deploy in progress');
    const [silence] = await eventually('the silence in Alertmanager', async () => {
      const found = await ours();
      return found.length > 0 ? found : undefined;
    });
    expect(silence?.status.state).toBe('active');
    expect(silence?.comment).toBe('deploy in progress');
    const matchers = Object.fromEntries((silence?.matchers ?? []).map((m) => [m.name, m.value]));
    expect(matchers).toEqual({
      alertname: name,
      cluster: 'pub-local-a',
      namespace: 'team-a-web',
      team: 'team-a',
    });
    expect(silence?.matchers.every((m) => m.isRegex === false)).toBe(true);
    await h.emulator.waitFor('the thread to say until when', () =>
      replies(thread).find(
        (r) => r.text.includes('Silenced until') && r.text.includes('comment: deploy in progress'),
      ),
    );
    await h.emulator.waitFor('the parent to show the silence and its Expire button', () => {
      const shown = everything(latest(thread));
      return (
        shown.includes(`Silenced by <@${people.teammate}> until`) && shown.includes('n3r_alert_expire_0')
      );
    });

    // The next alert of the group is suppressed by Alertmanager: it never reaches the thread.
    await am.post(alerts(name, labels, ['pod-2']));
    await eventually('Alertmanager to suppress the new alert', async () =>
      (await am.alerts()).find(
        (a) =>
          a.labels.alertname === name && a.labels.instance === 'pod-2' && a.status.state === 'suppressed',
      ),
    );
    const barrier = `Barrier${uniqueSuffix()}`;
    await am.post(alerts(barrier, labels, ['b']));
    await parent(channels.team, barrier);
    expect(replies(thread).some((r) => r.text.includes('instance=pod-2'))).toBe(false);

    // Expiring is a request too: the policy lets only the silencer or team-a's on-call do it.
    const silenceId = silence?.id ?? '';
    const unsilenceCards = () => replies(thread).filter((r) => r.text.startsWith('alert.unsilence '));
    await h.emulator.clickButton({
      user: people.outsider,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_expire_0',
    });
    const refused = await h.emulator.waitFor('the outsider refused by the policy', () =>
      h.emulator.ephemeralsFor(people.outsider).find((e) => e.text.includes('[unsilence.who]')),
    );
    expect(refused.text).toContain(silenceId);
    expect((await ours())[0]?.status.state).toBe('active');
    expect(unsilenceCards()).toHaveLength(0);
    await h.emulator.clickButton({
      user: people.teammate,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_expire_0',
    });
    await eventually('the silence to be expired', async () =>
      (await ours())[0]?.status.state === 'expired' ? true : undefined,
    );
    await h.emulator.waitFor('the parent to say it was expired', () =>
      everything(latest(thread)).includes(`expired by <@${people.teammate}>`),
    );
    const expired = await h.emulator.waitFor('its card in the thread, done', () =>
      unsilenceCards().find((c) => everything(latest(c)).includes(`Expired silence ${silenceId}`)),
    );
    expect(await trailOf(expired)).toEqual(
      expect.arrayContaining([`decided:${people.teammate}`, 'succeeded:n3r']),
    );
    // Twice (by command, which finds the group from the silence): already gone, nothing else changes.
    await h.emulator.slashCommand({
      text: `alert unsilence ${silenceId}`,
      user: people.teammate,
      channel: channels.team,
    });
    await h.emulator.waitFor('the second request to say it was already gone', () =>
      unsilenceCards().find((c) => everything(latest(c)).includes('already gone')),
    );
    expect((await ours()).map((s) => s.status.state)).toEqual(['expired']);
    // A silence n3r does not know.
    const unknown = '00000000-0000-4000-8000-000000000000';
    await h.emulator.slashCommand({
      text: `alert unsilence ${unknown}`,
      user: people.teammate,
      channel: channels.team,
    });
    await h.emulator.waitFor('the unknown silence named', () =>
      h.emulator
        .ephemeralsFor(people.teammate)
        .find((e) => e.text.includes(`n3r knows no silence ${unknown}`)),
    );
    expect(unsilenceCards()).toHaveLength(2);
    // Unsilenced, the held-back alert is notified at last.
    await h.emulator.waitFor(
      'the suppressed alert to arrive once the silence is gone',
      () => replies(thread).find((r) => r.text.includes('instance=pod-2')),
      20_000,
    );
  });

  it("shows the logs of the alert's namespace and pod around its start, in the thread, to those the policy lets read them", async () => {
    const namespace = uniqueNamespace('team-a');
    await h.admin.apply(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { 'n3r.io/team': 'team-a' } },
      },
      { fieldManager: 'test' },
    );
    const started = Date.now() - 5 * 60_000;
    const at = (minutes: number) => new Date(started + minutes * 60_000);
    const pod = { namespace, app: 'api', pod: 'api-7d9f', container: 'app' };
    await seedAccessLogs(inject('stack').victoriaLogsUrl, [
      { ...pod, time: at(-1), message: 'panic: assignment to entry in nil map' },
      { ...pod, time: at(1), message: 'restarting after crash' },
      { ...pod, pod: 'api-other', time: at(0), message: 'another pod says hello' },
      { ...pod, time: at(-120), message: 'two hours before' },
    ]);
    const name = `CrashLoop${uniqueSuffix()}`;
    await am.post([
      {
        labels: { alertname: name, severity: 'critical', cluster: 'pub-local-a', namespace, pod: 'api-7d9f' },
        annotations: { summary: 'crash looping' },
        startsAt: new Date(started).toISOString(),
      },
    ]);
    const thread = await parent(channels.team, name);
    expect(JSON.stringify(latest(thread).blocks)).toContain('n3r_alert_logs');

    await h.emulator.clickButton({
      user: people.outsider,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_logs',
    });
    const refused = await h.emulator.waitFor('the outsider refused by the policy', () =>
      h.emulator.ephemeralsFor(people.outsider).find((e) => e.text.includes('[logs.namespace.team]')),
    );
    expect(refused.text).toContain('Denied');

    await h.emulator.clickButton({
      user: people.teammate,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_logs',
    });
    const answer = await h.emulator.waitFor(
      'the log lines in the alert thread',
      () => replies(thread).find((r) => everything(r).includes('panic: assignment to entry in nil map')),
      30_000,
    );
    const shown = everything(answer);
    expect(shown).toContain('restarting after crash');
    expect(shown).not.toContain('another pod says hello');
    expect(shown).not.toContain('two hours before');
    const card = replies(thread).find((r) => r.text.startsWith('logs.query '));
    expect(card?.text).toContain(namespace);
  });

  it('refuses a wrong or missing token with 401 and records nothing', async () => {
    const name = `Forged${uniqueSuffix()}`;
    const body = JSON.stringify(webhookBody(name));
    const callsBefore = h.emulator.calls.length;
    for (const authorization of [`Bearer ${token}x`, 'Bearer ', token, undefined]) {
      const answer = await fetch(webhookUrl(h.n3r), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body,
      });
      expect(answer.status).toBe(401);
    }
    expect(await alertKeysNaming(name)).toEqual([]);
    expect(h.emulator.calls.slice(callsBefore).filter((c) => JSON.stringify(c.args).includes(name))).toEqual(
      [],
    );
  });

  it('serves no webhook at all when no token is set', async () => {
    const plain = await h.startWorker({ N3R_ROLE: 'bot', N3R_ALERT_WEBHOOK_TOKEN: '' });
    const answer = await fetch(webhookUrl(plain), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(webhookBody(`Unserved${uniqueSuffix()}`)),
    });
    expect(answer.status).toBe(404);
    await plain.stop();
  });

  it('refuses a malformed body with 400 and a clear message, and records nothing', async () => {
    const name = `Broken${uniqueSuffix()}`;
    const post = (body: string) =>
      fetch(webhookUrl(h.n3r), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
    const notJson = await post('{"version": "4",');
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toContain('the body is not JSON');
    const wrongVersion = await post(JSON.stringify({ ...webhookBody(name), version: '3' }));
    expect(wrongVersion.status).toBe(400);
    expect(await wrongVersion.text()).toContain('version: must be \\"4\\"');
    const noAlerts = await post(JSON.stringify({ ...webhookBody(name), alerts: [] }));
    expect(await noAlerts.text()).toContain('alerts: must hold at least one alert');
    const badAlert = await post(
      JSON.stringify({ ...webhookBody(name), alerts: [{ status: 'burning', labels: { alertname: name } }] }),
    );
    expect(badAlert.status).toBe(400);
    const problems = ((await badAlert.json()) as { problems: string[] }).problems.join('\n');
    expect(problems).toContain('alerts[0].status');
    expect(problems).toContain('alerts[0].fingerprint');
    expect(await alertKeysNaming(name)).toEqual([]);
    expect(h.emulator.calls.filter((c) => JSON.stringify(c.args).includes(name))).toEqual([]);
  });

  it('makes one thread when two bot replicas both receive every notification', async () => {
    const replica = await h.startWorker({ N3R_ROLE: 'bot' });
    await am.configure([
      { webhookUrl: webhookUrl(h.n3r), bearerToken: token },
      { webhookUrl: webhookUrl(replica), bearerToken: token },
    ]);
    try {
      const names = Array.from({ length: 4 }, () => `Twice${uniqueSuffix()}`);
      await am.post(names.flatMap((name) => alerts(name, { team: 'team-a' }, ['t-1', 't-2'])));
      for (const name of names) {
        const thread = await parent(channels.team, name);
        await h.emulator.waitFor('both alerts on it', () => latest(thread).text.includes('FIRING: 2 alerts'));
      }
      await am.resolve(names.flatMap((name) => alerts(name, { team: 'team-a' }, ['t-1', 't-2'])));
      for (const name of names) {
        const thread = await parent(channels.team, name);
        await h.emulator.waitFor('all resolved', () =>
          replies(thread).find((r) => r.text.includes('All alerts resolved')),
        );
        expect(parentsOf(channels.team, name)).toHaveLength(1);
        expect(replies(thread).filter((r) => r.text.includes('All alerts resolved'))).toHaveLength(1);
      }
    } finally {
      await am.configure({ webhookUrl: webhookUrl(h.n3r), bearerToken: token });
    }
  });

  it('neither duplicates a thread nor loses it when the bot restarts', async () => {
    const name = `Restart${uniqueSuffix()}`;
    await am.post(alerts(name, { team: 'team-a' }, ['r-1']));
    const thread = await parent(channels.team, name);
    await h.n3r.stop();
    const restarted = await h.startWorker({ N3R_ROLE: 'all' });
    h.emulator.appUrl = `http://127.0.0.1:${restarted.port}/slack/events`;
    await am.configure({ webhookUrl: webhookUrl(restarted), bearerToken: token });
    await am.post(alerts(name, { team: 'team-a' }, ['r-1', 'r-2']));
    await h.emulator.waitFor('the new alert in the same thread', () =>
      replies(thread).find((r) => r.text.includes('instance=r-2')),
    );
    await h.emulator.waitFor('the parent redrawn', () => latest(thread).text.includes('FIRING: 2 alerts'));
    expect(parentsOf(channels.team, name)).toHaveLength(1);
  });

  /** The id of a thread's alert group, as its parent shows it (`/n3r alert ack <group>`). */
  function groupIdOf(thread: StoredMessage): string {
    const id = /group ([0-9a-f]{32})/.exec(everything(latest(thread)))?.[1];
    if (!id) throw new Error('the parent shows no group id');
    return id;
  }

  /** The audit trail of the request whose card this is, as `event:actor`. */
  async function trailOf(card: StoredMessage): Promise<string[]> {
    const id = /r-[a-z0-9]{10}/.exec(latest(card).text)?.[0];
    if (!id) throw new Error(`no request id on the card: ${latest(card).text}`);
    const trail = await h.redis.xrange(`${h.prefix}:audit:${id}`, '-', '+');
    return trail.map(([, f]) => `${f[1]}:${f[3]}`);
  }

  async function alertKeysNaming(name: string): Promise<string[]> {
    const keys = await h.redis.keys(`${h.prefix}:alert-*`);
    const named: string[] = [];
    for (const key of keys) {
      const type = await h.redis.type(key);
      const content = type === 'hash' ? JSON.stringify(await h.redis.hgetall(key)) : '';
      if (content.includes(name)) named.push(key);
    }
    return named;
  }
});

function webhookBody(name: string) {
  return {
    version: '4',
    groupKey: `{}:{alertname="${name}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'n3r',
    groupLabels: { alertname: name },
    commonLabels: { alertname: name, team: 'team-a' },
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: name, team: 'team-a' },
        annotations: {},
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: 'abcdef0123456789',
      },
    ],
  };
}

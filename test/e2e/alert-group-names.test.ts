import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../devtools/slack-emulator/slack-emulator.js';
import { channels, people } from '../../devtools/workspace/local-workspace.js';
import { startTestAlertmanager, type TestAlertmanager } from '../support/alertmanager.js';
import { eventually, type Harness, startHarness, uniqueSuffix } from '../support/harness.js';

const token = randomBytes(24).toString('hex');

/**
 * A registry whose on-call and audit groups have other names than the local one's (`team-a-pager` for
 * team-a's on-call, `sec-readers` for audit; `team-a-oncall` and `n3r-audit` are no groups at all): the bot
 * and the policy take the names from the registry, not from a naming convention.
 */
describe('on-call and audit groups named by the registry', () => {
  let h: Harness;
  let am: TestAlertmanager;
  beforeAll(async () => {
    h = await startHarness({
      env: { N3R_ALERT_WEBHOOK_TOKEN: token },
      registry: (registry) => {
        const { 'team-a-oncall': _oncall, 'n3r-audit': _audit, ...groups } = registry.groups;
        return {
          ...registry,
          onCall: {
            ...registry.onCall,
            teams: { 'team-a': { channel: channels.team, group: 'team-a-pager' } },
          },
          roles: { audit: 'sec-readers' },
          groups: {
            ...groups,
            'team-a-pager': { slackUsergroup: 'S0TEAMAONCALL' },
            'sec-readers': { slackUsergroup: 'S0AUDIT' },
          },
        };
      },
    });
    am = await startTestAlertmanager();
    await am.configure({
      webhookUrl: `http://127.0.0.1:${h.n3r.opsPort}/webhooks/alertmanager`,
      bearerToken: token,
    });
  });
  afterAll(async () => {
    await am?.stop();
    await h?.stop();
  });

  const latest = (m: StoredMessage) => h.emulator.message(m.channel, m.ts) ?? m;
  const everything = (m: { text: string; blocks?: unknown }) => `${m.text}\n${JSON.stringify(m.blocks)}`;

  it("lets the registry's on-call group silence and unsilence, and its audit group read the trail", async () => {
    const name = `Paged${uniqueSuffix()}`;
    await am.post([
      {
        labels: {
          alertname: name,
          severity: 'critical',
          cluster: 'pub-local-a',
          team: 'team-a',
          instance: 'i',
        },
        annotations: { summary: `${name} is failing` },
      },
    ]);
    const thread = await h.emulator.waitFor('the thread', () =>
      h.emulator.channelMessages(channels.team).find((m) => m.text.includes(name)),
    );
    const replies = () => h.emulator.threadReplies(thread.channel, thread.ts);

    // carol is on call as team-a-pager: the policy lets her silence team-a's alerts.
    await h.emulator.clickButton({
      user: people.teammate,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_silence',
    });
    const form = await h.emulator.waitFor(
      'the silence modal',
      () => h.emulator.openModals(people.teammate)[0],
    );
    await h.emulator.submitView({
      user: people.teammate,
      viewId: form.id,
      values: { duration: { value: '1h' }, comment: { value: 'paged, looking' } },
    });
    const ours = async () => (await am.silences()).filter((s) => s.matchers.some((m) => m.value === name));
    const [silence] = await eventually('the silence in Alertmanager', async () => {
      const found = await ours();
      return found.length > 0 ? found : undefined;
    });
    expect(silence?.status.state).toBe('active');

    // alice (team-a, not on call, not the silencer) is refused, and the refusal names the registry's group.
    await h.emulator.slashCommand({
      text: `alert unsilence ${silence?.id}`,
      user: people.requester,
      channel: channels.team,
    });
    const refusal = await h.emulator.waitFor('the refusal', () =>
      h.emulator.ephemeralsFor(people.requester).find((e) => e.text.includes('[unsilence.who]')),
    );
    expect(refusal.text).toContain("group 'team-a-pager'");
    expect(refusal.text).not.toContain('team-a-oncall');

    await h.emulator.waitFor('the Expire button', () =>
      everything(latest(thread)).includes('n3r_alert_expire_0'),
    );
    await h.emulator.clickButton({
      user: people.teammate,
      channel: thread.channel,
      ts: thread.ts,
      actionId: 'n3r_alert_expire_0',
    });
    await eventually('the silence to be expired', async () =>
      (await ours())[0]?.status.state === 'expired' ? true : undefined,
    );

    // erin reads the trail of carol's request as sec-readers; bob, an approver of nothing here, may not.
    const card = await h.emulator.waitFor('the silence card', () =>
      replies().find((r) => r.text.startsWith('alert.silence ')),
    );
    const id = /r-[a-z0-9]{10}/.exec(card.text)?.[0] ?? '';
    await h.emulator.slashCommand({ text: `audit ${id}`, user: people.auditor, channel: channels.team });
    const trail = await h.emulator.waitFor('the trail for the audit group', () =>
      h.emulator.ephemeralsFor(people.auditor).find((e) => everything(e).includes(id)),
    );
    expect(everything(trail)).toContain('decided');
    await h.emulator.slashCommand({ text: `audit ${id}`, user: people.approver, channel: channels.team });
    await h.emulator.waitFor('the refusal naming the audit group', () =>
      h.emulator
        .ephemeralsFor(people.approver)
        .find((e) => e.text.includes('Only the requester, its approvers and the audit group sec-readers')),
    );
  });
});

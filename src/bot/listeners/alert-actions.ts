import type { App, BlockButtonAction } from '@slack/bolt';
import type { AlertGroup } from '../../alerts/alert-group.js';
import type { Ask } from '../../core/submit-request.js';
import { alertAck } from '../../kinds/alert-ack/index.js';
import { alertSilence } from '../../kinds/alert-silence/index.js';
import { alertUnsilence } from '../../kinds/alert-unsilence/index.js';
import { logsQuery } from '../../kinds/logs-query/index.js';
import { durationSeconds } from '../../kinds/params/duration.js';
import type { RedisAlertStore } from '../../store/redis-alert-store.js';
import type { BotDeps } from '../bot-deps.js';
import { tellOnly } from '../replies.js';
import { alertActions, silenceForm, silenceFormCallback } from '../views/alert-thread.js';
import { notice } from '../views/messages.js';
import { submitAndDescribe } from './n3r-command.js';

/**
 * The alert thread's buttons. Each is a request like any other, asked as the person who pressed, its card in
 * the thread: Acknowledge (`alert.ack`), Silence (a modal, then `alert.silence`), Expire silence
 * (`alert.unsilence`) and Show logs (`logs.query`). The policy decides who may; the executors change things.
 */
export function registerAlertActions(app: App, deps: BotDeps, alerts: RedisAlertStore): void {
  /** Submits what a button asks, once per click, and tells only the person what the card does not. */
  const askFromButton = async (
    body: BlockButtonAction,
    action: BlockButtonAction['actions'][number],
    client: Parameters<typeof tellOnly>[0],
    ask: Pick<Ask, 'kind' | 'rawParams'>,
  ) => {
    const channel = body.channel?.id;
    const user = body.user.id;
    const delivery = `action:${action.action_ts}:${user}`;
    if (!channel || !(await deps.store.firstDelivery(delivery))) return;
    const answer = await submitAndDescribe(deps, {
      ...ask,
      slackUserId: user,
      channel,
      ...(body.message?.ts ? { threadTs: body.message.ts } : {}),
      deliveryId: delivery,
    });
    if (answer) await tellOnly(client, channel, user, answer);
    await deps.store.finishDelivery(delivery);
  };

  app.action<BlockButtonAction>(alertActions.acknowledge, async ({ ack, body, action, client }) => {
    await ack();
    await askFromButton(body, action, client, { kind: alertAck, rawParams: { group: action.value ?? '' } });
  });

  app.action<BlockButtonAction>(alertActions.silence, async ({ ack, body, action, client }) => {
    await ack();
    const channel = body.channel?.id;
    const stored = await alerts.get(action.value ?? '');
    if (!channel) return;
    if (!stored) {
      await tellOnly(client, channel, body.user.id, notice('This alert group is not known here.'));
      return;
    }
    const matchers = silenceMatchers(stored.group)
      .map((m) => `${m.name}="${m.value}"`)
      .join(', ');
    await client.views.open({ trigger_id: body.trigger_id, view: silenceForm(stored.group, matchers) });
  });

  app.view(silenceFormCallback, async ({ ack, body, view, client }) => {
    const duration = view.state.values.duration?.value?.value?.trim() ?? '';
    const comment = view.state.values.comment?.value?.value?.trim() ?? '';
    const errors: Record<string, string> = {};
    if (durationSeconds(duration) === undefined) errors.duration = 'A duration such as 30m, 2h or 1d.';
    if (comment.length < 3) errors.comment = 'Say why, in a few words.';
    if (Object.keys(errors).length > 0) return ack({ response_action: 'errors', errors });
    await ack();
    const delivery = `view:${view.id}:${view.hash}`;
    if (!(await deps.store.firstDelivery(delivery))) return;
    const { group: groupId } = JSON.parse(view.private_metadata) as { group: string };
    const stored = await alerts.get(groupId);
    const user = body.user.id;
    if (!stored?.group.thread) return;
    const { group } = stored;
    const thread = group.thread;
    if (!thread) return;
    const cluster = group.route.cluster;
    if (!cluster || !group.route.team) {
      await tellOnly(
        client,
        thread.channel,
        user,
        notice(
          'This alert group cannot be silenced from Slack: its alerts name no cluster of the registry or no owning team. Nothing was changed.',
        ),
      );
      return;
    }
    const answer = await submitAndDescribe(deps, {
      kind: alertSilence,
      rawParams: {
        cluster,
        team: group.route.team,
        matchers: silenceMatchers(group),
        duration,
        comment,
        group: group.id,
      },
      slackUserId: user,
      channel: thread.channel,
      threadTs: thread.ts,
      deliveryId: delivery,
    });
    if (answer) await tellOnly(client, thread.channel, user, answer);
    await deps.store.finishDelivery(delivery);
  });

  app.action<BlockButtonAction>(alertActions.showLogs, async ({ ack, body, action, client }) => {
    await ack();
    const channel = body.channel?.id;
    const user = body.user.id;
    const delivery = `action:${action.action_ts}:${user}`;
    if (!channel || !(await deps.store.firstDelivery(delivery))) return;
    const stored = await alerts.get(action.value ?? '');
    const thread = stored?.group.thread;
    const params = stored ? logsAround(stored.group, new Date()) : null;
    if (!stored || !thread || !params) {
      await tellOnly(
        client,
        channel,
        user,
        notice('These alerts name no namespace of a known cluster to read logs from.'),
      );
      return;
    }
    // Asked as the person who pressed: the policy decides whether they may read this namespace's logs.
    const answer = await submitAndDescribe(deps, {
      kind: logsQuery,
      rawParams: params,
      slackUserId: user,
      channel: thread.channel,
      threadTs: thread.ts,
      deliveryId: delivery,
    });
    if (answer) await tellOnly(client, thread.channel, user, answer);
    await deps.store.finishDelivery(delivery);
  });

  app.action<BlockButtonAction>(
    new RegExp(`^${alertActions.expireSilence}_\\d+$`),
    async ({ ack, body, action, client }) => {
      await ack();
      const [group = '', silence = ''] = (action.value ?? '').split(':');
      await askFromButton(body, action, client, { kind: alertUnsilence, rawParams: { silence, group } });
    },
  );
}

/**
 * The group's matchers for a silence: its group labels, plus the owning team's label when its alerts carry
 * it (the policy insists on it, so a silence never covers another team's alerts).
 */
export function silenceMatchers(group: AlertGroup): { name: string; value: string }[] {
  const matchers = Object.entries(group.groupLabels).map(([name, value]) => ({ name, value }));
  const team = group.commonLabels.team;
  if (team && !matchers.some((m) => m.name === 'team')) matchers.push({ name: 'team', value: team });
  return matchers;
}

/** Minutes of logs read on either side of the alerts' start. */
const logWindowMinutes = 15;

/**
 * The `logs.query` params for a group: its namespace (and pod, when all its alerts name the same one), from
 * a quarter of an hour before its earliest alert started to a quarter of an hour after (or now).
 */
export function logsAround(group: AlertGroup, now: Date): Record<string, string> | null {
  const namespace = group.commonLabels.namespace;
  const cluster = group.route.cluster;
  const starts = Object.values(group.alerts)
    .map((a) => Date.parse(a.startsAt))
    .filter((t) => !Number.isNaN(t));
  if (!namespace || !cluster || starts.length === 0) return null;
  const start = Math.min(...starts);
  const from = start - logWindowMinutes * 60_000;
  const to = Math.max(Math.min(start + logWindowMinutes * 60_000, now.getTime()), from + 60_000);
  const pod = group.commonLabels.pod;
  return {
    namespace,
    cluster,
    ...(pod ? { pod } : {}),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
}

import type { App, BlockButtonAction } from '@slack/bolt';
import { cancelRequest } from '../../core/settle-request.js';
import { isKindId, requestKinds } from '../../kinds/index.js';
import type { BotDeps } from '../bot-deps.js';
import { cancelReply, tellOnly } from '../replies.js';
import { formValues, kindOfCallback, pickKindCallback, pickKindForm, requestForm } from '../views/forms.js';
import { homeView } from '../views/home.js';
import { helpMessage } from '../views/messages.js';
import { submitAndDescribe } from './n3r-command.js';

/** The typed forms (from the shortcut and App Home), App Home itself, and the card's Cancel button. */
export function registerRequestForms(app: App, deps: BotDeps): void {
  // A form opened outside a channel posts its card in the person's direct messages with the app.
  app.shortcut('n3r_new_request', async ({ ack, shortcut, client }) => {
    await ack();
    await client.views.open({ trigger_id: shortcut.trigger_id, view: pickKindForm(shortcut.user.id) });
  });

  app.view(pickKindCallback, async ({ ack, body, view }) => {
    const kind = view.state.values.kind?.value?.selected_option?.value ?? '';
    if (!isKindId(kind)) return ack({ response_action: 'errors', errors: { kind: 'Choose what you need.' } });
    const { channel } = JSON.parse(view.private_metadata) as { channel: string };
    const who = await deps.identity.resolve(body.user.id);
    await ack({
      response_action: 'update',
      view: requestForm(requestKinds[kind], deps.registry, who.groups, channel),
    });
  });

  app.action<BlockButtonAction>(/^n3r_open_form_\d+$/, async ({ ack, body, action, client }) => {
    await ack();
    if (!isKindId(action.value ?? '')) return;
    const who = await deps.identity.resolve(body.user.id);
    const kind = requestKinds[action.value as keyof typeof requestKinds];
    await client.views.open({
      trigger_id: body.trigger_id,
      view: requestForm(kind, deps.registry, who.groups, body.user.id),
    });
  });

  app.view(/^n3r_form:/, async ({ ack, body, view, client }) => {
    const kind = kindOfCallback(view.callback_id);
    if (!kind) return ack({ response_action: 'errors', errors: {} });
    const { channel } = JSON.parse(view.private_metadata) as { channel: string };
    const rawParams = formValues(view.state.values);
    const parsed = kind.params.safeParse(rawParams);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '')] ??= issue.message;
      return ack({ response_action: 'errors', errors });
    }
    await ack();
    const delivery = `view:${view.id}:${view.hash}`;
    if (!(await deps.store.firstDelivery(delivery))) return;
    const answer = await submitAndDescribe(deps, {
      kind,
      rawParams,
      slackUserId: body.user.id,
      channel,
      deliveryId: delivery,
    });
    if (answer) await tellOnly(client, channel, body.user.id, answer);
    await deps.store.finishDelivery(delivery);
  });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const recent = await deps.store.recentByRequester(event.user, 20);
    await client.views.publish({ user_id: event.user, view: homeView(recent) });
  });

  app.action<BlockButtonAction>('n3r_cancel', async ({ ack, body, action, client, context }) => {
    await ack();
    context.requestId = action.value;
    const channel = body.channel?.id;
    const delivery = `action:${action.action_ts}:${body.user.id}`;
    if (!channel || !(await deps.store.firstDelivery(delivery))) return;
    const outcome = await cancelRequest(deps, { requestId: action.value ?? '', slackUserId: body.user.id });
    if (outcome.outcome !== 'cancelled') await tellOnly(client, channel, body.user.id, cancelReply(outcome));
    await deps.store.finishDelivery(delivery);
  });

  app.event('app_mention', async ({ event, client }) => {
    if (!event.user) return;
    await tellOnly(client, event.channel, event.user, helpMessage(null));
  });
}

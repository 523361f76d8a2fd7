import type { App, BlockButtonAction } from '@slack/bolt';
import { checkApprover, decideApproval } from '../../core/decide-approval.js';
import type { BotDeps } from '../bot-deps.js';
import { approvalReply, tellOnly } from '../replies.js';
import { parsePromptValue } from '../views/approval-prompt.js';
import { rejectCallback, rejectForm } from '../views/forms.js';

const approveReactions = new Set(['white_check_mark', 'heavy_check_mark', '+1']);
const rejectReactions = new Set(['x', 'no_entry']);

/** Approve and Reject on the prompt (buttons and reactions), and the reason modal of a rejection. */
export function registerApprovals(app: App, deps: BotDeps): void {
  app.action<BlockButtonAction>('n3r_approve', async ({ ack, body, action, client, context }) => {
    await ack();
    const channel = body.channel?.id;
    const target = parsePromptValue(action.value ?? '');
    context.requestId = target?.requestId;
    const delivery = `action:${action.action_ts}:${body.user.id}`;
    if (!channel || !target || !(await deps.store.firstDelivery(delivery))) return;
    const outcome = await decideApproval(deps, {
      requestId: target.requestId,
      slackUserId: body.user.id,
      verdict: 'approve',
      promptHash: target.requestHash,
    });
    const reply = approvalReply(outcome);
    if (reply) await tellOnly(client, channel, body.user.id, reply);
    await deps.store.finishDelivery(delivery);
  });

  // Reject asks for a reason first; only someone who may reject gets the modal.
  app.action<BlockButtonAction>('n3r_reject', async ({ ack, body, action, client, context }) => {
    await ack();
    const channel = body.channel?.id;
    const target = parsePromptValue(action.value ?? '');
    context.requestId = target?.requestId;
    if (!channel || !target) return;
    const checked = await checkApprover(deps, {
      requestId: target.requestId,
      slackUserId: body.user.id,
      promptHash: target.requestHash,
    });
    if (checked.outcome !== 'may-decide') {
      const reply = approvalReply(checked);
      if (reply) await tellOnly(client, channel, body.user.id, reply);
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: rejectForm(target.requestId, target.requestHash),
    });
  });

  app.view(rejectCallback, async ({ ack, body, view, client, context }) => {
    const { requestId, requestHash } = JSON.parse(view.private_metadata) as {
      requestId: string;
      requestHash: string;
    };
    context.requestId = requestId;
    const reason = view.state.values.reason?.value?.value?.trim() ?? '';
    if (reason.length < 3)
      return ack({ response_action: 'errors', errors: { reason: 'Say why, in a few words.' } });
    await ack();
    const delivery = `view:${view.id}:${view.hash}`;
    if (!(await deps.store.firstDelivery(delivery))) return;
    const outcome = await decideApproval(deps, {
      requestId,
      slackUserId: body.user.id,
      verdict: 'reject',
      reason,
      promptHash: requestHash,
    });
    const reply = approvalReply(outcome);
    const record = await deps.store.get(requestId);
    if (reply && record?.prompt) await tellOnly(client, record.prompt.channel, body.user.id, reply);
    await deps.store.finishDelivery(delivery);
  });

  // Once per event_id: the oncePerEvent middleware.
  app.event('reaction_added', async ({ event, client, context }) => {
    const verdict = approveReactions.has(event.reaction)
      ? 'approve'
      : rejectReactions.has(event.reaction)
        ? 'reject'
        : null;
    if (!verdict || event.item.type !== 'message') return;
    const ref = { channel: event.item.channel, ts: event.item.ts };
    const link = await deps.store.requestAt(ref);
    if (!link) return;
    context.requestId = link.requestId;
    const outcome = await decideApproval(deps, {
      requestId: link.requestId,
      // A reaction approves the version of the request that the message it was placed on shows.
      promptHash: link.requestHash,
      slackUserId: event.user,
      verdict,
      ...(verdict === 'reject' ? { reason: `rejected with :${event.reaction}:` } : {}),
    });
    const reply = approvalReply(outcome);
    if (reply) await tellOnly(client, ref.channel, event.user, reply);
  });
}

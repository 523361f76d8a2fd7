import type { App } from '@slack/bolt';
import { cancelRequest } from '../../core/settle-request.js';
import { type Ask, type SubmitOutcome, submitRequest } from '../../core/submit-request.js';
import type { SubmitDecision } from '../../metrics/metrics.js';
import type { BotDeps } from '../bot-deps.js';
import { parseCommand } from '../parse-command.js';
import { cancelReply, tellOnly } from '../replies.js';
import {
  auditMessage,
  deniedMessage,
  helpMessage,
  notice,
  statusMessage,
  usageMessage,
  whoamiMessage,
} from '../views/messages.js';
import type { SlackMessage } from '../views/primitives.js';

/** Longer commands are refused before parsing; no request needs more. */
export const maxCommandLength = 2000;

/**
 * `/n3r …`: help and usage errors are answered in the ack itself; everything else is acked at once and
 * answered after, so Slack's three seconds are never at risk. A redelivered command (same trigger_id)
 * is recognised and does nothing; one whose first attempt died before finishing is handled again.
 */
export function registerN3rCommand(app: App, deps: BotDeps): void {
  app.command('/n3r', async ({ command, ack, client, context }) => {
    if (command.text.length > maxCommandLength) {
      return ack({
        response_type: 'ephemeral',
        ...usageMessage(
          [`the command is too long (${command.text.length} characters; at most ${maxCommandLength})`],
          null,
        ),
      });
    }
    const parsed = parseCommand(command.text);
    if (parsed.type === 'help') return ack({ response_type: 'ephemeral', ...helpMessage(parsed.topic) });
    if (parsed.type === 'usage-error') {
      deps.log.info({ slackUserId: command.user_id, problem: parsed.problem }, 'input rejected');
      return ack({ response_type: 'ephemeral', ...usageMessage([parsed.problem], parsed.usage) });
    }
    await ack();
    const delivery = `command:${command.trigger_id}`;
    if (!(await deps.store.firstDelivery(delivery))) return;

    const tell = (message: SlackMessage) => tellOnly(client, command.channel_id, command.user_id, message);
    if (parsed.type === 'whoami') await tell(whoamiMessage(await deps.identity.resolve(command.user_id)));
    else if (parsed.type === 'about-request') {
      context.requestId = parsed.requestId;
      await tell(await aboutRequest(deps, parsed, command.user_id));
    } else {
      const answer = await submitAndDescribe(deps, {
        kind: parsed.kind,
        rawParams: parsed.rawParams,
        slackUserId: command.user_id,
        channel: command.channel_id,
        deliveryId: delivery,
      });
      if (answer) await tell(answer);
    }
    // Only once everything is done: a failure above leaves the delivery to a retry (the middleware tells).
    await deps.store.finishDelivery(delivery);
  });
}

/** Submits an ask; returns what to tell the person, or null when the card speaks for itself. */
export async function submitAndDescribe(deps: BotDeps, given: Ask): Promise<SlackMessage | null> {
  const completed = deps.completeAsk ? await deps.completeAsk(given) : given;
  if (!('kind' in completed)) return completed;
  const ask = completed;
  const outcome = await submitRequest(deps, ask);
  // Another attempt at the same delivery made the request and tells the person; this one says nothing.
  if (outcome.outcome === 'redelivered') return null;
  deps.metrics?.requestSubmitted(ask.kind.id, submitDecision(outcome));
  if (outcome.outcome === 'invalid') {
    deps.log.info({ slackUserId: ask.slackUserId, problems: outcome.problems }, 'input rejected');
    return usageMessage(namingFlags(outcome.problems, outcome.paths, ask.kind), ask.kind.usage);
  }
  if (outcome.outcome === 'denied') return deniedMessage(outcome.description, outcome.decision);
  return null;
}

/** `cpu: "lots" is not …` → `--cpu: "lots" is not …`: a problem with a flag names it as it was typed. */
function namingFlags(problems: string[], paths: string[], kind: Ask['kind']): string[] {
  return problems.map((problem, i) => {
    const path = paths[i] ?? '';
    return path !== '' && !kind.positional.includes(path) && problem.startsWith(`${path}:`)
      ? `--${problem}`
      : problem;
  });
}

function submitDecision(outcome: Exclude<SubmitOutcome, { outcome: 'redelivered' }>): SubmitDecision {
  if (outcome.outcome !== 'accepted') return outcome.outcome;
  return outcome.record.state === 'awaiting_approval' ? 'approval_required' : 'allowed';
}

async function aboutRequest(
  deps: BotDeps,
  parsed: { action: 'status' | 'cancel' | 'audit'; requestId: string },
  user: string,
): Promise<SlackMessage> {
  if (parsed.action === 'cancel')
    return cancelReply(await cancelRequest(deps, { requestId: parsed.requestId, slackUserId: user }));
  const record = await deps.store.get(parsed.requestId);
  if (!record) return notice(`There is no request ${parsed.requestId}.`);
  if (parsed.action === 'status') return statusMessage(record);
  // The trail names people and decisions: the requester, the request's approvers and the registry's audit
  // group (`roles.audit`) may read it.
  const who = await deps.identity.resolve(user);
  const audit = deps.registry.roles.audit;
  const mayRead =
    user === record.requester.slackId ||
    who.groups.some((g) => record.decision.approval.groups.includes(g) || g === audit);
  if (!mayRead)
    return notice(
      audit
        ? `Only the requester, its approvers and the audit group ${audit} can read this audit trail.`
        : 'Only the requester and its approvers can read this audit trail.',
    );
  return auditMessage(record, await deps.store.auditTrail(record.id));
}

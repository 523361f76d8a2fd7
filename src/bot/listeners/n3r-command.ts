import type { App } from '@slack/bolt';
import { type SubmitDeps, submitRequest } from '../../core/submit-request.js';
import { toAppError, userTextOf } from '../../errors.js';
import { deniedMessage, helpMessage, type SlackMessage, usageMessage } from '../blocks.js';
import { parseCommand } from '../parse-command.js';

/**
 * `/n3r …`: help and usage errors are answered in the ack itself; everything else is acked at once and
 * answered after, so Slack's three seconds are never at risk.
 */
export function registerN3rCommand(app: App, deps: SubmitDeps): void {
  app.command('/n3r', async ({ command, ack, client }) => {
    const parsed = parseCommand(command.text);
    if (parsed.type === 'help') return ack({ response_type: 'ephemeral', ...helpMessage(parsed.topic) });
    if (parsed.type === 'usage-error') {
      deps.log.info({ slackUserId: command.user_id, problem: parsed.problem }, 'input rejected');
      return ack({ response_type: 'ephemeral', ...usageMessage([parsed.problem], parsed.usage) });
    }
    await ack();

    const tell = (message: SlackMessage) =>
      client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, ...message });
    try {
      const outcome = await submitRequest(deps, {
        kind: parsed.kind,
        rawParams: parsed.rawParams,
        slackUserId: command.user_id,
        channel: command.channel_id,
      });
      if (outcome.outcome === 'invalid') {
        deps.log.info({ slackUserId: command.user_id, problems: outcome.problems }, 'input rejected');
        await tell(usageMessage(outcome.problems, parsed.kind.usage));
      } else if (outcome.outcome === 'denied') {
        await tell(deniedMessage(outcome.description, outcome.decision));
      }
    } catch (error) {
      const reference = command.trigger_id.slice(-12);
      deps.log.error({ err: toAppError(error), slackUserId: command.user_id, reference }, 'request failed');
      await tell({ text: userTextOf(error, reference), blocks: [] }).catch(() => undefined);
    }
  });
}

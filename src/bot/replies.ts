import type { WebClient } from '@slack/web-api';
import type { ApprovalOutcome } from '../core/decide-approval.js';
import type { CancelOutcome } from '../core/settle-request.js';
import { notice } from './views/messages.js';
import type { SlackMessage } from './views/primitives.js';
import { stateLine } from './views/request-card.js';

/** An answer only the person sees, where they acted. */
export async function tellOnly(
  client: WebClient,
  channel: string,
  user: string,
  message: SlackMessage,
): Promise<void> {
  await client.chat.postEphemeral({ channel, user, ...message });
}

/** What an approver is told about their verdict; null when the updated prompt says it all. */
export function approvalReply(outcome: ApprovalOutcome): SlackMessage | null {
  switch (outcome.outcome) {
    case 'unknown-request':
      return notice('There is no such request.');
    case 'not-pending':
      return notice(
        `This request is no longer waiting for approval: it is ${stateLine[outcome.record.state]}. Nothing was changed.`,
      );
    case 'own-request':
      return notice('You cannot approve or reject your own request. Nothing was changed.');
    case 'not-an-approver':
      return notice(
        `Only members of ${outcome.groups.join(', ')} may approve or reject this request. Nothing was changed.`,
      );
    case 'outdated':
      return notice('This prompt is outdated: the request changed after it was posted. Nothing was changed.');
    case 'already-approved':
      return notice('You have already approved this request.');
    case 'recorded':
      return notice(`Your approval is recorded: ${outcome.have} of ${outcome.need}.`);
    case 'denied-now':
      return notice(`Approved, but the policy no longer allows it: ${outcome.record.error ?? ''}`);
    case 'not-evaluated':
      return notice(
        `Your approval was not recorded: the policy could not be evaluated (${outcome.reason}). Please try again in a moment.`,
      );
    case 'approved':
    case 'rejected':
      return null;
  }
}

export function cancelReply(outcome: CancelOutcome): SlackMessage {
  switch (outcome.outcome) {
    case 'unknown-request':
      return notice('There is no such request.');
    case 'not-yours':
      return notice('Only the person who asked can cancel a request. Nothing was changed.');
    case 'too-late':
      return notice(`It can no longer be cancelled: it is ${stateLine[outcome.record.state]}.`);
    case 'cancelled':
      return notice(`Cancelled ${outcome.record.id}.`);
  }
}

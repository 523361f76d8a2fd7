import { currentApprovals } from '../../core/approvals.js';
import type { RequestRecord } from '../../core/request.js';
import {
  type Block,
  context,
  escapeMrkdwn,
  fields,
  header,
  plain,
  type SlackMessage,
  section,
} from './primitives.js';
import { cardState, stateLine } from './request-card.js';

/** The button value: which request, and which version of it the approver saw. */
export const promptValue = (record: RequestRecord) => `${record.id}:${record.requestHash}`;

export function parsePromptValue(value: string): { requestId: string; requestHash: string } | null {
  const match = /^(r-[a-z0-9]+):([0-9a-f]+)$/.exec(value);
  return match?.[1] && match[2] ? { requestId: match[1], requestHash: match[2] } : null;
}

/**
 * The approval prompt in the approvers' channel: what is asked, by whom, why approval is needed, who may
 * approve and how many, until when; Approve and Reject while it waits, the outcome after.
 */
export function approvalPrompt(record: RequestRecord): SlackMessage {
  const approval = record.decision.approval;
  const approvers = currentApprovals(record);
  const title = `Approval needed: ${record.kind} ${record.id}`;
  const blocks: Block[] = [
    header(title),
    section(`*${escapeMrkdwn(record.description)}*`),
    fields([
      ['Requested by', `<@${record.requester.slackId}>`],
      ['Cluster', `${record.cluster.name} (${record.cluster.type})`],
      ['Why approval is needed', escapeMrkdwn(approval.reasons.join('; ') || 'policy')],
      ['Who may approve', approval.groups.join(', ')],
      [
        'Approvals',
        `${approvers.length} of ${approval.count}${approvers.length ? `: ${approvers.map((a) => `<@${a.slackId}>`).join(', ')}` : ''}`,
      ],
      ['Expires', record.expiresAt ?? 'never'],
    ]),
  ];
  if (record.preview) {
    const lines = [
      `*What will change* (dry run, ${record.preview.at}): ${escapeMrkdwn(record.preview.summary)}`,
      ...record.preview.details.map(escapeMrkdwn),
    ];
    blocks.push(section(lines.join('\n')));
  } else if (record.state === 'awaiting_approval') {
    blocks.push(context('Working out what will change (dry run)…'));
  }
  if (record.state === 'awaiting_approval') {
    blocks.push({
      type: 'actions',
      block_id: `prompt:${record.id}`,
      elements: [
        {
          type: 'button',
          action_id: 'n3r_approve',
          style: 'primary',
          text: plain('Approve'),
          value: promptValue(record),
        },
        {
          type: 'button',
          action_id: 'n3r_reject',
          style: 'danger',
          text: plain('Reject'),
          value: promptValue(record),
        },
      ],
    });
    blocks.push(
      context('Approve with the button or a :white_check_mark: reaction; reject with the button or :x:.'),
    );
  } else {
    const outcome =
      record.state === 'rejected' && record.rejection
        ? `${stateLine.rejected} by <@${record.rejection.slackId}>: ${escapeMrkdwn(record.rejection.reason)}`
        : cardState(record);
    blocks.push(section(outcome));
  }
  return { text: `${title}: ${record.description} (${record.state.replace('_', ' ')})`, blocks };
}

import type { types } from '@slack/bolt';
import type { Decision } from '../core/decision.js';
import type { RequestRecord, RequestState } from '../core/request.js';
import { type AnyRequestKind, allKinds } from '../requests/registry.js';

export type Block = types.KnownBlock;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const stateLine: Record<RequestState, string> = {
  queued: ':hourglass_flowing_sand: Queued',
  running: ':gear: Running',
  succeeded: ':white_check_mark: Done',
  failed: ':x: Failed',
  awaiting_approval: ':raised_hand: Waiting for approval',
  rejected: ':no_entry: Rejected',
  expired: ':alarm_clock: Expired',
  cancelled: ':heavy_minus_sign: Cancelled',
};

const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, 3000) },
});
const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }],
});

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as markup; user-provided text must not. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The request card: posted where the request was made and redrawn at every state change. */
export function requestCard(record: RequestRecord): SlackMessage {
  const state = stateLine[record.state];
  const title = `${record.kind} ${record.id}`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, 150) } },
    section(`*${escapeMrkdwn(record.description)}*\n${state}`),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Requested by*\n<@${record.requester.slackId}>` },
        {
          type: 'mrkdwn',
          text: `*Cluster*\n${record.cluster.name} (${record.cluster.type}, ${record.cluster.region})`,
        },
      ],
    },
  ];
  if (record.state === 'succeeded' && record.result)
    blocks.push(section(escapeMrkdwn(record.result.summary)));
  if (record.state === 'failed' && record.error) blocks.push(section(`*Why:* ${escapeMrkdwn(record.error)}`));
  if (record.state === 'awaiting_approval') {
    const approval = record.decision.approval;
    blocks.push(
      section(
        `Needs ${approval.count} approval(s) from ${approval.groups.join(', ')}: ${escapeMrkdwn(approval.reasons.join('; '))}`,
      ),
    );
  }
  blocks.push(context(`policy ${record.decision.revision} · updated ${record.updatedAt}`));
  return { text: `${title}: ${record.description} — ${state}`, blocks };
}

/** The ephemeral answer to a denied request: every reason, with the rule that gave it. */
export function deniedMessage(description: string, decision: Decision): SlackMessage {
  const reasons = decision.deny.map((d) => `• ${escapeMrkdwn(d.message)} \`${d.rule}\``);
  return {
    text: `Denied: ${description}. ${decision.deny.map((d) => `${d.message} [${d.rule}]`).join('; ')}`,
    blocks: [
      section(`:no_entry: *Denied:* ${escapeMrkdwn(description)}`),
      section(reasons.join('\n')),
      context(`Nothing was changed. policy ${decision.revision}`),
    ],
  };
}

/** The ephemeral answer to input that could not be used. */
export function usageMessage(problems: string[], usage: string | null): SlackMessage {
  const lines = problems.map((p) => `• ${escapeMrkdwn(p)}`);
  const usageText = usage ? `\nUsage: \`${usage}\`` : '\nTry `/n3r help`.';
  return {
    text: `${problems.join('; ')}.${usage ? ` Usage: ${usage}` : ' Try /n3r help.'}`,
    blocks: [
      section(`:warning: That did not work:\n${lines.join('\n')}${usageText}`),
      context('Nothing was changed.'),
    ],
  };
}

export function helpMessage(topic: string | null): SlackMessage {
  const matching: readonly AnyRequestKind[] =
    topic === null
      ? allKinds
      : allKinds.filter((k) => k.id === topic || k.command.join(' ') === topic || k.command[0] === topic);
  if (matching.length === 0) return usageMessage([`no help for '${topic}'`], null);
  const lines = matching.map((k) => `*${k.id}* — ${k.summary}\n\`${k.usage}\``);
  return { text: matching.map((k) => k.usage).join('\n'), blocks: [section(lines.join('\n\n'))] };
}

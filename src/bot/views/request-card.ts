import type { ClusterTarget, RequestRecord, RequestState, TargetState } from '../../core/request.js';
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

export const stateLine: Record<RequestState, string> = {
  queued: ':hourglass_flowing_sand: Queued',
  running: ':gear: Running',
  succeeded: ':white_check_mark: Done',
  failed: ':x: Failed',
  awaiting_approval: ':raised_hand: Waiting for approval',
  rejected: ':no_entry: Rejected',
  expired: ':alarm_clock: Expired',
  cancelled: ':heavy_minus_sign: Cancelled',
};

const targetLine: Record<TargetState, string> = {
  queued: ':hourglass_flowing_sand: queued',
  running: ':gear: running',
  succeeded: ':white_check_mark: done',
  failed: ':x: failed',
};

/** The state as the card says it; a request over several clusters that failed on some says so. */
export function cardState(record: RequestRecord): string {
  const done = record.targets?.filter((t) => t.state === 'succeeded').length ?? 0;
  if (record.state === 'failed' && record.targets && done > 0)
    return `:warning: Partly failed: done on ${done} of ${record.targets.length} clusters`;
  if (record.ended) return ':lock: Ended';
  return stateLine[record.state];
}

function describeTarget(t: ClusterTarget): string {
  const why = t.state === 'failed' && t.error ? `: ${escapeMrkdwn(t.error)}` : '';
  return `${targetLine[t.state]} · *${t.cluster.name}* (${t.cluster.region})${why}`;
}

/** The request card: posted where the request was made and redrawn in place at every state change. */
export function requestCard(record: RequestRecord): SlackMessage {
  const state = cardState(record);
  const title = `${record.kind} ${record.id}`;
  const blocks: Block[] = [
    header(title),
    section(`*${escapeMrkdwn(record.description)}*\n${state}`),
    fields([
      ['Requested by', `<@${record.requester.slackId}>`],
      ['Cluster', `${record.cluster.name} (${record.cluster.type}, ${record.cluster.region})`],
    ]),
  ];
  // Warnings change nothing in the decision; the requester should still see them (policies/README.md).
  if (record.decision.warnings.length > 0) {
    const lines = record.decision.warnings.map((w) => `• ${escapeMrkdwn(w)}`);
    blocks.push(section(`:warning: *Policy warnings*\n${lines.join('\n')}`));
  }
  if (record.targets) blocks.push(section(record.targets.map(describeTarget).join('\n')));
  if (record.state === 'succeeded' && record.result)
    blocks.push(section(escapeMrkdwn(record.result.summary)));
  if (record.state === 'failed' && record.error) blocks.push(section(`*Why:* ${escapeMrkdwn(record.error)}`));
  if (record.ended) {
    const by = record.ended.by ? `by <@${record.ended.by}>` : 'its time was up';
    blocks.push(section(`:lock: *Ended* ${record.ended.at} (${by}): ${escapeMrkdwn(record.ended.summary)}`));
  }
  if (record.state === 'rejected' && record.rejection) {
    blocks.push(
      section(`*Rejected by* <@${record.rejection.slackId}>: ${escapeMrkdwn(record.rejection.reason)}`),
    );
  }
  if (record.state === 'awaiting_approval') {
    const approval = record.decision.approval;
    blocks.push(
      section(
        `Needs ${approval.count} approval(s) from ${approval.groups.join(', ')} before ${record.expiresAt}: ${escapeMrkdwn(approval.reasons.join('; '))}`,
      ),
    );
  }
  if (record.state === 'awaiting_approval' || record.state === 'queued') {
    blocks.push({
      type: 'actions',
      block_id: `card:${record.id}`,
      elements: [
        {
          type: 'button',
          action_id: 'n3r_cancel',
          text: plain('Cancel request'),
          value: record.id,
          confirm: {
            title: plain('Cancel this request?'),
            text: { type: 'mrkdwn', text: `${escapeMrkdwn(record.description)} will not be carried out.` },
            confirm: plain('Cancel it'),
            deny: plain('Keep it'),
          },
        },
      ],
    });
  }
  blocks.push(context(`policy ${record.decision.revision} · updated ${record.updatedAt}`));
  return { text: `${title}: ${record.description} — ${state}`, blocks };
}

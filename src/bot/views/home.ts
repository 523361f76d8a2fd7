import type { types } from '@slack/bolt';
import type { RequestRecord } from '../../core/request.js';
import { allKinds } from '../../kinds/index.js';
import { type Block, context, escapeMrkdwn, header, plain, section } from './primitives.js';
import { cardState } from './request-card.js';

/** App Home: buttons to open each kind's form, and the person's recent requests with their state. */
export function homeView(recent: RequestRecord[]): types.HomeView {
  const blocks: Block[] = [
    header('N3R ChatOps'),
    section(
      'Ask for a change; the policy decides, approvers approve where it asks, and the card keeps you posted.',
    ),
    {
      type: 'actions',
      block_id: 'new-request',
      elements: allKinds.slice(0, 25).map((kind, index) => ({
        type: 'button' as const,
        action_id: `n3r_open_form_${index}`,
        text: plain(kind.id),
        value: kind.id,
      })),
    },
    { type: 'divider' },
    header('Your recent requests'),
  ];
  if (recent.length === 0) blocks.push(section('None yet.'));
  for (const record of recent.slice(0, 20)) {
    blocks.push(section(`*${record.id}* ${cardState(record)}\n${escapeMrkdwn(record.description)}`));
  }
  blocks.push(context('`/n3r help` lists every command.'));
  return { type: 'home', blocks };
}

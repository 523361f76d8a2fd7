import type { types } from '@slack/bolt';

export type Block = types.KnownBlock;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as markup; text from people must not. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, 3000) },
});

export const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }],
});

export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, 150) },
});

export const fields = (pairs: [string, string][]): Block => ({
  type: 'section',
  fields: pairs
    .slice(0, 10)
    .map(([name, value]) => ({ type: 'mrkdwn', text: truncate(`*${name}*\n${value}`, 2000) })),
});

export const plain = (text: string, max = 75) => ({ type: 'plain_text' as const, text: truncate(text, max) });

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

/** Mrkdwn we wrote ourselves, such as a mention: kept as markup where text is escaped. */
export interface Mrkdwn {
  readonly markup: string;
}

/** A user mention: Slack shows the person's name and notifies them. */
export const mention = (slackId: string): Mrkdwn => ({ markup: `<@${slackId}>` });

/** Tagged template: the values put in are escaped as text, except our own markup (mentions). */
export function mrkdwn(strings: TemplateStringsArray, ...values: (string | number | Mrkdwn)[]): Mrkdwn {
  const markup = strings.reduce((built, literal, i) => {
    const value = values[i - 1];
    const put = typeof value === 'object' ? value.markup : escapeMrkdwn(String(value));
    return `${built}${put}${literal}`;
  });
  return { markup };
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

import type { ResultOutput } from '../../core/request.js';
import { escapeMrkdwn, type SlackMessage } from './primitives.js';

/** Lines shown in the thread itself; more than this go up as a file. */
export const maxInlineLines = 50;
/** Slack's limit on a section's text. */
const maxSectionText = 3000;

/** The output as one code block in the thread, or null when it is too long for one section and goes as a file. */
export function inlineOutput(output: ResultOutput): SlackMessage | null {
  if (output.lines.length > maxInlineLines) return null;
  // A ``` inside a line would end the code block early.
  const body = output.lines.map((line) => escapeMrkdwn(line).replaceAll('```', '`\u200b``')).join('\n');
  const text = `\`\`\`\n${body}\n\`\`\``;
  if (text.length > maxSectionText) return null;
  return {
    text: `${output.title}: ${output.lines.length} line(s)`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

/** The file body: one line per line, as the store gave them (masked). */
export function outputFile(output: ResultOutput): Buffer {
  return Buffer.from(`${output.lines.join('\n')}\n`, 'utf8');
}

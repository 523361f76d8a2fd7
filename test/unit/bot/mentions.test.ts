import { describe, expect, it } from 'vitest';
import { notice, whoamiMessage } from '../../../src/bot/views/messages.js';
import { mention, mrkdwn } from '../../../src/bot/views/primitives.js';

const sectionText = (message: { blocks: unknown[] }) =>
  (message.blocks[0] as { text: { text: string } }).text.text;

describe('mentions and escaping in mrkdwn', () => {
  it('keeps our mention markup and escapes what people wrote', () => {
    const message = whoamiMessage({ slackId: 'UCAROL', email: '<!channel>@evil.example', groups: ['a&b'] });
    expect(sectionText(message)).toBe(
      'You are <@UCAROL> (&lt;!channel&gt;@evil.example); platform groups: a&amp;b.',
    );
  });

  it('escapes every value put into a template except mentions', () => {
    expect(mrkdwn`${mention('U1')} asked for ${'<https://x|y>'} ${3} times`.markup).toBe(
      '<@U1> asked for &lt;https://x|y&gt; 3 times',
    );
  });

  it('still escapes a whole notice given as text', () => {
    expect(sectionText(notice('There is no request <@U1>.'))).toBe('There is no request &lt;@U1&gt;.');
  });
});

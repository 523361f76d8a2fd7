import { describe, expect, it } from 'vitest';
import { helpMessage, usageMessage } from '../../../src/bot/views/messages.js';

const blockText = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks);

describe('usage in Slack messages', () => {
  it('escapes the placeholders of every usage line, which Slack would read as links', () => {
    const help = blockText(helpMessage(null));
    expect(help).toContain('/n3r ns create &lt;name&gt; --cluster &lt;cluster&gt;');
    expect(help).toContain('/n3r status &lt;request id&gt;');
    expect(help).not.toMatch(/<(name|cluster|request id)>/);
  });

  it('escapes the usage shown with a usage error', () => {
    const answer = blockText(
      usageMessage(['--cluster needs a value'], '/n3r logs <namespace> --cluster <c>'),
    );
    expect(answer).toContain('/n3r logs &lt;namespace&gt; --cluster &lt;c&gt;');
    expect(answer).not.toContain('<namespace>');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const coreDir = join(import.meta.dirname, '../../../src/core');
const sources = readdirSync(coreDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(coreDir, f), 'utf8') }));

/** Code without its comments: a comment may talk about Slack; the code may not write Slack markup. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('src/core speaks no Slack', () => {
  it('imports nothing from the bot or from Slack libraries', () => {
    const offenders = sources
      .filter(({ text }) => /from '(\.\.\/bot\/|@slack\/)/.test(text))
      .map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  it('writes no Slack markup: no mentions, emoji codes or mrkdwn bold', () => {
    const markup = /<@|<!|:[a-z_]+:(?!\/)|`\*|\*\$\{/;
    const offenders = sources.filter(({ text }) => markup.test(code(text))).map((s) => s.file);
    expect(offenders).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseCommand, tokenize } from '../../../src/bot/parse-command.js';

describe('parseCommand', () => {
  it('reads a namespace request with its positional name and flags', () => {
    const parsed = parseCommand('ns create team-a-web --cluster pub-kr1-a --team=team-a --cpu 8');
    expect(parsed).toMatchObject({
      type: 'ask',
      kind: { id: 'namespace.create' },
      rawParams: { name: 'team-a-web', cluster: 'pub-kr1-a', team: 'team-a', cpu: '8' },
    });
  });

  it('reads a switch without a value as yes, and leaves the next word alone', () => {
    expect(parseCommand('deploy web --ha --cluster pub-kr1-a')).toMatchObject({
      type: 'ask',
      rawParams: { app: 'web', ha: 'yes', cluster: 'pub-kr1-a' },
    });
    expect(parseCommand('deploy web --cluster c --ha')).toMatchObject({ rawParams: { ha: 'yes' } });
    expect(parseCommand('deploy web --ha --ha')).toMatchObject({ problem: '--ha is given twice' });
    expect(parseCommand('ns create a --ha')).toMatchObject({ problem: '--ha needs a value' });
  });

  it('treats an empty command and `help` as a request for help', () => {
    expect(parseCommand('')).toEqual({ type: 'help', topic: null });
    expect(parseCommand('help ns')).toEqual({ type: 'help', topic: 'ns' });
  });

  it.each([
    ['frobnicate', "unknown command 'frobnicate'"],
    ['ns', "'ns' needs a subcommand (one of: create)"],
    ['ns destroy x', "unknown subcommand 'ns destroy' (one of: create)"],
    ['ns create', 'missing <name>'],
    ['ns create a b', "unexpected argument 'b'"],
    ['ns create a --cluster', '--cluster needs a value'],
    ['ns create a --cluster x --cluster y', '--cluster is given twice'],
    ['ns create a --gpu 1', 'unknown option --gpu'],
    ['ns create a --name b', 'unknown option --name'],
    ['ns create "a', 'a quote is not closed'],
  ])('refuses %j: %s', (text, problem) => {
    expect(parseCommand(text)).toMatchObject({ type: 'usage-error', problem });
  });

  it('keeps quoted words together', () => {
    expect(tokenize(`a "b c" 'd e' f`)).toEqual(['a', 'b c', 'd e', 'f']);
  });
});

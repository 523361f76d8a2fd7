import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/parse-command.js';
import { namespaceCreate } from '../../../src/kinds/namespace-create/index.js';
import { askedFlags } from './doc-examples.js';

describe('namespace.create', () => {
  it('accepts the examples of its documentation and its usage line', () => {
    for (const text of [
      'ns create team-a-web --cluster pub-kr1-a --team team-a',
      'ns create team-a-batch --cluster ded-kr1-a --team team-a --cpu 16 --memory 64Gi',
    ]) {
      const parsed = parseCommand(text);
      if (parsed.type !== 'ask') throw new Error(`not parsed: ${text}`);
      expect(namespaceCreate.params.safeParse(parsed.rawParams).success).toBe(true);
    }
    expect(namespaceCreate.usage.startsWith(`/n3r ${namespaceCreate.command.join(' ')} `)).toBe(true);
  });

  it('gives the policy quantities as numbers', () => {
    const params = namespaceCreate.params.parse({
      name: 'team-a-web',
      cluster: 'c',
      team: 'team-a',
      cpu: '500m',
    });
    expect(namespaceCreate.toPolicyParams(params)).toEqual({
      name: 'team-a-web',
      team: 'team-a',
      cpu_millicores: 500,
      memory_bytes: 8 * 2 ** 30,
      take_over: false,
    });
  });

  it('takes --take-over as a switch: told to the policy and on the card', () => {
    const params = namespaceCreate.params.parse(
      askedFlags('ns create team-a-web --cluster pub-kr1-a --team team-a --take-over'),
    );
    expect(namespaceCreate.toPolicyParams(params)).toMatchObject({ take_over: true });
    expect(namespaceCreate.describe(params)).toContain('taking over fields other field managers hold');
    const plain = namespaceCreate.params.parse({ name: 'team-a-web', cluster: 'c', team: 'team-a' });
    expect(namespaceCreate.describe(plain)).not.toContain('taking over');
  });

  it('refuses names that are not DNS labels', () => {
    for (const name of ['Team-A', 'team_a', '-team', 'team-', 'a'.repeat(64)]) {
      expect(namespaceCreate.params.safeParse({ name, cluster: 'c', team: 't' }).success).toBe(false);
    }
  });
});

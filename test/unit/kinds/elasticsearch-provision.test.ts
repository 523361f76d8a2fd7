import { describe, expect, it } from 'vitest';
import { elasticsearchProvision } from '../../../src/kinds/elasticsearch-provision/index.js';
import { askedFlags, docExamples, parseAsked, policyCaseParams } from './doc-examples.js';

const base = { name: 'search', cluster: 'sta-kr1-a', namespace: 'team-data-search', version: '8.15.3' };

describe('elasticsearch.provision', () => {
  it('accepts the examples of its documentation, and its usage line names its command', () => {
    const examples = docExamples('elasticsearch-provision/intake.ts');
    expect(examples).toHaveLength(2);
    for (const text of examples) expect(parseAsked(elasticsearchProvision, text).success, text).toBe(true);
    expect(elasticsearchProvision.usage.startsWith('/n3r es create <name> ')).toBe(true);
  });

  it('takes --take-over as a switch: told to the policy and on the card', () => {
    const params = elasticsearchProvision.params.parse(
      askedFlags(
        'es create search --cluster sta-kr1-a --namespace team-data-search --version 8.15.3 --take-over',
      ),
    );
    expect(elasticsearchProvision.toPolicyParams(params)).toMatchObject({ take_over: true });
    expect(elasticsearchProvision.describe(params)).toContain('taking over fields other field managers hold');
  });

  it("gives the policy sizes as numbers and the tier's storage class unless one is named", () => {
    const policy = elasticsearchProvision.toPolicyParams(elasticsearchProvision.params.parse(base));
    expect(policy).toEqual({
      namespace: 'team-data-search',
      name: 'search',
      version: '8.15.3',
      nodes: 3,
      storage_bytes: 100 * 2 ** 30,
      tier: 'hot',
      storage_class: 'local-nvme',
      take_over: false,
    });
    expect(Object.keys(policy).sort()).toEqual(
      Object.keys(policyCaseParams('elasticsearch_provision.json', 'elasticsearch_provision')).sort(),
    );
    const cold = elasticsearchProvision.params.parse({ ...base, tier: 'cold', nodes: '6', storage: '4Ti' });
    expect(elasticsearchProvision.toPolicyParams(cold)).toMatchObject({
      tier: 'cold',
      storage_class: 'hdd-standard',
      nodes: 6,
      storage_bytes: 4 * 2 ** 40,
    });
    // A class that does not match the tier goes to the policy as asked; the policy denies it (es.storage_class).
    const named = elasticsearchProvision.params.parse({
      ...base,
      tier: 'warm',
      'storage-class': 'local-nvme',
    });
    expect(elasticsearchProvision.toPolicyParams(named)).toMatchObject({
      tier: 'warm',
      storage_class: 'local-nvme',
    });
  });

  it('refuses names, versions, tiers and sizes it cannot provision', () => {
    for (const raw of [
      { name: 'a'.repeat(37) },
      { version: '8.15' },
      { version: 'latest' },
      { tier: 'frozen' },
      { nodes: '0' },
      { storage: '100GB' },
      { version: undefined },
    ]) {
      expect(elasticsearchProvision.params.safeParse({ ...base, ...raw }).success, JSON.stringify(raw)).toBe(
        false,
      );
    }
  });
});

import { describe, expect, it } from 'vitest';
import { shownText } from '../../../devtools/slack-emulator/slack-blocks.js';
import { deniedMessage } from '../../../src/bot/views/messages.js';
import type { Decision, Denial } from '../../../src/core/decision.js';

const namespaces = {
  title: 'Namespaces',
  description: 'A team creates namespaces named with its prefix, within the quota of the cluster type.',
  url: 'https://git.example.com/n3r/chatops/blob/main/policies/README.md#namespacecreate-rules',
};

const denied = (deny: Denial[]): Decision => ({
  allow: false,
  deny,
  approval: { required: false, groups: [], count: 0, expiresIn: '0s', reasons: [] },
  warnings: [],
  obligations: {},
  revision: 'public-test',
});

describe('the answer to a denied request', () => {
  it('gives every reason, then what the policy allows and a link to read more, once per policy', () => {
    const message = deniedMessage(
      'namespace team-a-web on pub-kr1-a for team-a',
      denied([
        {
          rule: 'namespace.quota.cpu',
          message: 'cpu quota 12 cores is above the ceiling of 8 cores on public clusters',
          about: namespaces,
        },
        {
          rule: 'namespace.quota.memory',
          message: 'memory quota 32Gi is above the ceiling of 16Gi on public clusters',
          about: namespaces,
        },
      ]),
    );
    expect(shownText(message.blocks)).toEqual([
      ':no_entry: *Denied:* namespace team-a-web on pub-kr1-a for team-a',
      '• cpu quota 12 cores is above the ceiling of 8 cores on public clusters `namespace.quota.cpu`\n' +
        '• memory quota 32Gi is above the ceiling of 16Gi on public clusters `namespace.quota.memory`',
      ':books: *Namespaces:* A team creates namespaces named with its prefix, within the quota of the cluster type. ' +
        '<https://git.example.com/n3r/chatops/blob/main/policies/README.md#namespacecreate-rules|Read more>',
      'Nothing was changed. policy public-test',
    ]);
  });

  it('names the repository path to read when no docs URL is configured', () => {
    const message = deniedMessage(
      'x.y on pub-kr1-a',
      denied([
        {
          rule: 'policy.kind.none',
          message: 'no policy for x.y on public clusters',
          about: {
            title: 'Request kinds per cluster type',
            description: 'A kind that is not in the table has no policy on that type and is denied.',
            url: 'policies/README.md#dispatch-fails-closed',
          },
        },
      ]),
    );
    expect(shownText(message.blocks)).toContain(
      ':books: *Request kinds per cluster type:* A kind that is not in the table has no policy on that type and is denied. ' +
        'Read more in `policies/README.md#dispatch-fails-closed`',
    );
  });

  it('shows only the reasons when no rule package gave them (the engine failed closed)', () => {
    const message = deniedMessage(
      'x',
      denied([{ rule: 'engine.fail_closed', message: 'the policy gave no decision for this request' }]),
    );
    expect(shownText(message.blocks)).toEqual([
      ':no_entry: *Denied:* x',
      '• the policy gave no decision for this request `engine.fail_closed`',
      'Nothing was changed. policy public-test',
    ]);
  });
});

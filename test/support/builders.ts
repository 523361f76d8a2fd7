import type { RequestRecord } from '../../src/core/request.js';

/** A stored request as tests need one, with any field overridden. */
export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 'r-test000000',
    kind: 'namespace.create',
    params: { name: 'team-a-web', cluster: 'pub-local-a', team: 'team-a', cpu: '4', memory: '8Gi' },
    description: 'namespace team-a-web on pub-local-a for team-a',
    requester: { slackId: 'UALICE', email: 'alice@n3r.example', groups: ['team-a'] },
    cluster: { name: 'pub-local-a', type: 'public', region: 'local' },
    state: 'queued',
    channel: 'C0TEAMA',
    card: null,
    prompt: null,
    requestHash: '0123456789abcdef',
    approvals: [],
    rejection: null,
    expiresAt: null,
    decision: {
      allow: true,
      deny: [],
      approval: { required: false, groups: [], count: 0, expiresIn: '0s', reasons: [] },
      warnings: [],
      obligations: {},
      revision: 'public-test',
    },
    result: null,
    error: null,
    createdAt: '2026-11-25T00:00:00.000Z',
    updatedAt: '2026-11-25T00:00:00.000Z',
    ...overrides,
  };
}

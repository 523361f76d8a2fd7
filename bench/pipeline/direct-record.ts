import type { RequestRecord } from '../../src/core/request.js';

/**
 * The record a namespace.create request for `name` would have when its job runs: phase A stamps the same
 * labels and annotations on what it applies directly as the executor does in phase B.
 */
export function directRecord(id: string, name: string): RequestRecord {
  const at = new Date().toISOString();
  return {
    id,
    kind: 'namespace.create',
    params: { name, cluster: 'pub-local-a', team: 'team-a', cpu: '1', memory: '1Gi' },
    description: `namespace ${name} on pub-local-a for team-a`,
    requester: { slackId: 'UALICE', email: 'alice@n3r.example', groups: ['team-a'] },
    cluster: { name: 'pub-local-a', type: 'public', region: 'local' },
    state: 'running',
    channel: 'C0TEAMA',
    card: null,
    prompt: null,
    requestHash: '0000000000000000',
    approvals: [],
    rejection: null,
    expiresAt: null,
    decision: {
      allow: true,
      deny: [],
      approval: { required: false, groups: [], count: 0, expiresIn: '0s', reasons: [] },
      warnings: [],
      obligations: {},
      revision: 'bench',
    },
    result: null,
    error: null,
    createdAt: at,
    updatedAt: at,
  };
}

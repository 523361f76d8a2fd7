import type { EmulatedWorkspace } from '../slack-emulator/slack-emulator.js';

/** The people and channels of the local workspace; config/local/registry.yaml maps its user groups. */
export const localWorkspace = (): EmulatedWorkspace => ({
  teamId: 'T0N3RLOCAL',
  users: [
    { id: 'UALICE', name: 'alice', email: 'alice@n3r.example' },
    { id: 'UBOB', name: 'bob', email: 'bob@n3r.example' },
    { id: 'UCAROL', name: 'carol', email: 'carol@n3r.example' },
    { id: 'UDAVE', name: 'dave', email: 'dave@n3r.example' },
    { id: 'UMALLORY', name: 'mallory', email: 'mallory@n3r.example' },
    { id: 'UERIN', name: 'erin', email: 'erin@n3r.example' },
  ],
  channels: [
    { id: 'C0TEAMA', name: 'team-a' },
    { id: 'C0APPROVALS', name: 'n3r-approvals' },
    { id: 'C0ONCALL', name: 'oncall' },
  ],
  usergroups: [
    { id: 'S0TEAMA', handle: 'team-a', users: ['UALICE', 'UCAROL'] },
    { id: 'S0TEAMDATA', handle: 'team-data', users: ['UALICE'] },
    { id: 'S0APPROVERS', handle: 'n3r-approvers', users: ['UBOB', 'UDAVE'] },
    { id: 'S0NETWORK', handle: 'n3r-network-approvers', users: ['UBOB'] },
    { id: 'S0AUDIT', handle: 'n3r-audit', users: ['UERIN'] },
    { id: 'S0SRE', handle: 'n3r-sre', users: [] },
    { id: 'S0TEAMAONCALL', handle: 'team-a-oncall', users: ['UCAROL'] },
  ],
});

/** Who is who in the local workspace. */
export const people = {
  requester: 'UALICE',
  approver: 'UBOB',
  secondApprover: 'UDAVE',
  teammate: 'UCAROL',
  outsider: 'UMALLORY',
  /** In the audit group: reads any namespace's logs, audit logs, and may send raw query text. */
  auditor: 'UERIN',
} as const;

export const channels = { team: 'C0TEAMA', approvals: 'C0APPROVALS', onCall: 'C0ONCALL' } as const;

import { type KindIntake, takingOver } from '../define.js';
import type { NamespaceCreateParams } from './params.js';

/**
 * A namespace for a team, with its quota, default limits, default-deny network policy and access.
 * Examples: `/n3r ns create team-a-web --cluster pub-kr1-a --team team-a`
 *           `/n3r ns create team-a-batch --cluster ded-kr1-a --team team-a --cpu 16 --memory 64Gi`
 * `--take-over` takes over fields another field manager holds on its objects (a quota an operator edited);
 * without it such a field fails the request and nothing is overwritten.
 */
export const namespaceCreateIntake = {
  command: ['ns', 'create'],
  positional: ['name'],
  switches: ['take-over'],
  usage: '/n3r ns create <name> --cluster <cluster> --team <team> [--cpu 4] [--memory 8Gi] [--take-over]',
  summary: 'create a namespace for your team, with quota, limits, network isolation and access',
  describe: (p) =>
    `namespace ${p.name} on ${p.cluster} for ${p.team} (cpu ${p.cpu.text}, memory ${p.memory.text})${takingOver(p)}`,
} satisfies KindIntake<NamespaceCreateParams>;

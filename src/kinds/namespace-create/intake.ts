import type { KindIntake } from '../define.js';
import type { NamespaceCreateParams } from './params.js';

/**
 * A namespace for a team, with its quota, default limits, default-deny network policy and access.
 * Examples: `/n3r ns create team-a-web --cluster pub-kr1-a --team team-a`
 *           `/n3r ns create team-a-batch --cluster ded-kr1-a --team team-a --cpu 16 --memory 64Gi`
 */
export const namespaceCreateIntake = {
  command: ['ns', 'create'],
  positional: ['name'],
  usage: '/n3r ns create <name> --cluster <cluster> --team <team> [--cpu 4] [--memory 8Gi]',
  summary: 'create a namespace for your team, with quota, limits, network isolation and access',
  describe: (p) =>
    `namespace ${p.name} on ${p.cluster} for ${p.team} (cpu ${p.cpu.text}, memory ${p.memory.text})`,
} satisfies KindIntake<NamespaceCreateParams>;

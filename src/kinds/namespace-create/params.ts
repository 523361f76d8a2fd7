import { z } from 'zod';
import { clusterName, cpuQuantity, dnsLabel, memoryQuantity, teamName } from './common-params.js';
import { defineRequestKind } from './define.js';
import { cpuMillicores, memoryBytes } from './quantities.js';

/**
 * A namespace for a team, with its quota, default limits, default-deny network policy and access.
 * Examples: `/n3r ns create team-a-web --cluster pub-kr1-a --team team-a`
 *           `/n3r ns create team-a-batch --cluster ded-kr1-a --team team-a --cpu 16 --memory 64Gi`
 */
export const namespaceCreate = defineRequestKind({
  id: 'namespace.create',
  command: ['ns', 'create'],
  positional: ['name'],
  usage: '/n3r ns create <name> --cluster <cluster> --team <team> [--cpu 4] [--memory 8Gi]',
  summary: 'create a namespace for your team, with quota, limits, network isolation and access',
  params: z.strictObject({
    name: dnsLabel,
    cluster: clusterName,
    team: teamName,
    cpu: cpuQuantity.default('4'),
    memory: memoryQuantity.default('8Gi'),
  }),
  describe: (p) => `namespace ${p.name} on ${p.cluster} for ${p.team} (cpu ${p.cpu}, memory ${p.memory})`,
  namespaceOf: (p) => p.name,
  toPolicyParams: (p) => ({
    name: p.name,
    team: p.team,
    cpu_millicores: cpuMillicores(p.cpu),
    memory_bytes: memoryBytes(p.memory),
  }),
});

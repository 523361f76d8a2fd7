import type { KindPolicy } from '../define.js';
import { imageForPolicy } from '../params/image.js';
import { type AppDeployParams, replicaCeiling } from './params.js';

export const appDeployPolicy = {
  // The namespace deployed to: the policy checks it exists and is the requester's team's.
  namespaceOf: (p) => p.namespace,
  spansRegionPair: (p) => p.ha === 'yes',
  toPolicyParams: (p) => ({
    namespace: p.namespace,
    app: p.app,
    image: imageForPolicy(p.image),
    replicas: replicaCeiling(p),
    cpu_millicores: p.cpu.millicores,
    memory_bytes: p.memory.bytes,
    route: p.host === undefined ? null : { host: p.host, public: p.public === 'yes', tls: p.tls !== 'no' },
    ha: p.ha === 'yes',
    take_over: p['take-over'] === 'yes',
  }),
} satisfies KindPolicy<AppDeployParams>;

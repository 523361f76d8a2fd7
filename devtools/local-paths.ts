import { join } from 'node:path';
import { projectRoot } from '../scripts/local-stack/stack.js';

/** The registry of the local stack: one cluster per type on the local control plane. */
export const localRegistryPath = join(projectRoot, 'config/local/registry.yaml');

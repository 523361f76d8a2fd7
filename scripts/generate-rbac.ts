// `npm run rbac:generate`: writes the executor ClusterRole of deploy/rbac and the chart's executor rules
// from the rules the kinds declare. `--check` writes nothing and fails when a committed file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedRbacFiles } from '../src/kinds/executor-rbac.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of Object.entries(generatedRbacFiles())) {
  const file = join(root, path);
  if (readFileSync(file, 'utf8') === text) continue;
  stale += 1;
  if (check) console.error(`${path} is not what the kinds declare: run npm run rbac:generate`);
  else {
    writeFileSync(file, text);
    console.log(`wrote ${path}`);
  }
}
if (check && stale > 0) process.exit(1);

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { projectRoot, startLocalStack } from '../../scripts/local-stack/stack.js';
import type { ToolPaths } from '../../scripts/local-stack/tools.js';

const run = promisify(execFile);

export interface StackInfo {
  redisUrl: string;
  server: string;
  adminKubeconfig: string;
  executorKubeconfig: string;
  developerKubeconfig: string;
  policyDir: string;
  opa: string;
  redisServer: string;
  alertmanager: string;
  /** The local log stores: VictoriaLogs (access logs) and OpenSearch (audit logs). */
  victoriaLogsUrl: string;
  openSearchUrl: string;
  /** For tests that start clusters of their own next to the shared one (extra-clusters.ts). */
  etcdUrl: string;
  pkiDir: string;
  tools: ToolPaths;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** Builds the policy bundles and starts Redis and the control plane once for all integration suites. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const policyDir = join(projectRoot, 'build/policies');
  await run('bash', [join(projectRoot, 'scripts/build-policies.sh'), policyDir]).catch(
    (error: { stderr?: string }) => {
      throw new Error(`the policy bundles did not build:\n${error.stderr ?? String(error)}`);
    },
  );
  const stack = await startLocalStack();
  const controlPlane = stack.controlPlane;
  if (!controlPlane) throw new Error('the local stack started without its control plane');
  if (!stack.victoriaLogsUrl || !stack.openSearchUrl)
    throw new Error('the local stack started without its log stores');
  project.provide('stack', {
    redisUrl: stack.redisUrl,
    server: controlPlane.server,
    adminKubeconfig: controlPlane.adminKubeconfig,
    executorKubeconfig: controlPlane.executorKubeconfig,
    developerKubeconfig: controlPlane.developerKubeconfig,
    policyDir,
    opa: stack.tools.opa,
    redisServer: stack.tools.redisServer,
    alertmanager: stack.tools.alertmanager,
    victoriaLogsUrl: stack.victoriaLogsUrl,
    openSearchUrl: stack.openSearchUrl,
    etcdUrl: controlPlane.etcdUrl,
    pkiDir: controlPlane.pkiDir,
    tools: stack.tools,
  });
  return () => stack.stop();
}

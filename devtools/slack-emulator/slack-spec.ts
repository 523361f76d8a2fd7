import { readFileSync } from 'node:fs';

interface SwaggerParameter {
  in: string;
  name: string;
  required?: boolean;
  description?: string;
}

export interface MethodSpec {
  /** Required arguments other than the token. */
  required: string[];
  /** The scope the token needs (`Requires scope: \`x\`` on the token parameter); null for `none`. */
  scope: string | null;
}

/** What Slack's published spec (shared/slack) says about each Web API method. */
export function loadMethodSpecs(specPath: string): Map<string, MethodSpec> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: SwaggerParameter[] }>>;
  };
  const methods = new Map<string, MethodSpec>();
  for (const [path, operations] of Object.entries(spec.paths)) {
    // The spec lists some methods under the wrong verb; the SDKs POST every method, so any verb counts.
    const parameters = Object.values(operations).flatMap((op) => op.parameters ?? []);
    const required = parameters.filter((p) => p.required && p.name !== 'token').map((p) => p.name);
    const tokenDoc = parameters.find((p) => p.name === 'token')?.description ?? '';
    const scope = /Requires scope: `([^`]+)`/.exec(tokenDoc)?.[1] ?? 'none';
    methods.set(path.replace(/^\//, ''), {
      required: [...new Set(required)],
      scope: scope === 'none' ? null : scope,
    });
  }
  return methods;
}

/** Required arguments per Web API method, read from Slack's published spec (shared/slack). */
export function loadRequiredArguments(specPath: string): Map<string, string[]> {
  return new Map([...loadMethodSpecs(specPath)].map(([method, spec]) => [method, spec.required]));
}

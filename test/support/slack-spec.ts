import { readFileSync } from 'node:fs';

interface SwaggerParameter {
  in: string;
  name: string;
  required?: boolean;
}

/** Required arguments per Web API method, read from Slack's published spec (shared/slack). */
export function loadRequiredArguments(specPath: string): Map<string, string[]> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: SwaggerParameter[] }>>;
  };
  const required = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(spec.paths)) {
    // The spec lists some methods under the wrong verb; the SDKs POST every method, so any verb counts.
    const names = Object.values(operations).flatMap((op) =>
      (op.parameters ?? []).filter((p) => p.required && p.name !== 'token').map((p) => p.name),
    );
    required.set(path.replace(/^\//, ''), [...new Set(names)]);
  }
  return required;
}

import type { z } from 'zod';

/** Every problem of a failed zod parse, one line each, with the path where it was found. */
export function listIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (text, key) =>
        typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
      '',
    );
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

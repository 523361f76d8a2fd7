import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values always give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of a value's canonical JSON, hex, first 16 characters. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 16);
}

/**
 * What an approval binds to: what is asked (the kind and its typed parameters), where (the cluster and,
 * for a request over several, every target cluster), and by whom.
 */
export function requestHash(args: {
  kind: string;
  params: unknown;
  cluster: string;
  targets?: readonly string[] | undefined;
  requester: string;
}): string {
  return hashOf({ ...args, targets: args.targets ? [...args.targets] : [] });
}

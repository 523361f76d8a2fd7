import { z } from 'zod';
import { type AnyRequestKind, allKinds, findKindByCommand } from '../kinds/index.js';
import { builtinUsage } from './views/messages.js';

export type ParsedCommand =
  | { type: 'help'; topic: string | null }
  | { type: 'whoami' }
  | { type: 'about-request'; action: 'status' | 'cancel' | 'audit'; requestId: string }
  | { type: 'ask'; kind: AnyRequestKind; rawParams: Record<string, string> }
  | { type: 'usage-error'; problem: string; usage: string | null };

/** Splits on whitespace, keeping "double" or 'single' quoted runs together. */
export function tokenize(text: string): string[] | null {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? match[3] ?? '');
  const quotes = text.replace(/"[^"]*"|'[^']*'/g, '');
  if (/["']/.test(quotes)) return null;
  return tokens;
}

/**
 * The text after `/n3r`: `<resource> <verb> [positional…] [--flag value | --flag=value]…`.
 * Only the shape is checked here; values are checked by the kind's schema.
 */
export function parseCommand(text: string): ParsedCommand {
  const tokens = tokenize(text.trim());
  if (tokens === null) return { type: 'usage-error', problem: 'a quote is not closed', usage: null };
  const [first, second] = tokens;
  if (first === undefined || first === 'help')
    return { type: 'help', topic: tokens.slice(1).join(' ') || null };
  if (first === 'whoami')
    return tokens.length === 1 ? { type: 'whoami' } : usageError('whoami takes no arguments', 'whoami');
  if (first === 'status' || first === 'cancel' || first === 'audit') {
    if (second === undefined || tokens.length > 2) return usageError(`${first} needs one request id`, first);
    if (!/^r-[a-z0-9]{10}$/.test(second))
      return usageError(`'${second}' is not a request id (they look like r-ab3k9x2mqp)`, first);
    return { type: 'about-request', action: first, requestId: second };
  }

  const resources = new Set(allKinds.map((k) => k.command[0]));
  if (!resources.has(first))
    return { type: 'usage-error', problem: `unknown command '${first}'`, usage: null };
  const single = findKindByCommand([first]);
  const kind = single ?? (second === undefined ? undefined : findKindByCommand([first, second]));
  if (!kind) {
    const verbs = allKinds.filter((k) => k.command[0] === first).map((k) => k.command[1]);
    const problem =
      second === undefined ? `'${first}' needs a subcommand` : `unknown subcommand '${first} ${second}'`;
    return { type: 'usage-error', problem: `${problem} (one of: ${verbs.join(', ')})`, usage: null };
  }
  const rest = tokens.slice(kind.command.length);

  const rawParams: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    if (!token.startsWith('--')) {
      positional.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    let value: string | undefined = eq === -1 ? undefined : token.slice(eq + 1);
    if (value === undefined && kind.switches?.includes(name)) value = 'yes';
    if (value === undefined) {
      const next = rest[i + 1];
      if (next === undefined || next.startsWith('--')) {
        return { type: 'usage-error', problem: `--${name} needs a value`, usage: kind.usage };
      }
      value = next;
      i++;
    }
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      return { type: 'usage-error', problem: `'${token}' is not a flag`, usage: kind.usage };
    if (Object.hasOwn(rawParams, name))
      return { type: 'usage-error', problem: `--${name} is given twice`, usage: kind.usage };
    if (!optionNames(kind).includes(name) || kind.positional.includes(name)) {
      return { type: 'usage-error', problem: `unknown option --${name}`, usage: kind.usage };
    }
    rawParams[name] = value;
  }
  if (positional.length > kind.positional.length) {
    return {
      type: 'usage-error',
      problem: `unexpected argument '${positional[kind.positional.length]}'`,
      usage: kind.usage,
    };
  }
  for (const [index, name] of kind.positional.entries()) {
    const value = positional[index];
    if (value === undefined) return { type: 'usage-error', problem: `missing <${name}>`, usage: kind.usage };
    rawParams[name] = value;
  }
  return { type: 'ask', kind, rawParams };
}

function optionNames(kind: AnyRequestKind): string[] {
  return kind.params instanceof z.ZodObject ? Object.keys(kind.params.shape) : [];
}

function usageError(problem: string, builtin: keyof typeof builtinUsage): ParsedCommand {
  return { type: 'usage-error', problem, usage: builtinUsage[builtin] };
}

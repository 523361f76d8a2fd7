import { readFileSync } from 'node:fs';
import { parseCommand } from '../../../src/bot/parse-command.js';
import type { AnyRequestKind } from '../../../src/kinds/index.js';

/** The `/n3r …` examples of a request kind's doc comment, read from its source file. */
export function docExamples(file: string): string[] {
  const source = readFileSync(new URL(`../../../src/kinds/${file}`, import.meta.url), 'utf8');
  return [...source.matchAll(/`\/n3r ([^`]+)`/g)].map((m) => m[1] as string);
}

/** Parses a command as the bot does, then validates it with the kind's schema. */
export function parseAsked(kind: AnyRequestKind, text: string) {
  const parsed = parseCommand(text);
  if (parsed.type !== 'ask') throw new Error(`not parsed: ${text}: ${JSON.stringify(parsed)}`);
  if (parsed.kind.id !== kind.id) throw new Error(`${text} selects ${parsed.kind.id}, not ${kind.id}`);
  return kind.params.safeParse(parsed.rawParams);
}

/** The flags of a command as the bot gives them to the kind's schema (`--take-over` as `yes`). */
export function askedFlags(text: string): Record<string, string> {
  const parsed = parseCommand(text);
  if (parsed.type !== 'ask') throw new Error(`not parsed: ${text}: ${JSON.stringify(parsed)}`);
  return parsed.rawParams;
}

/** The params of the first case of a kind in the policy's shared test cases: the contract's shape. */
export function policyCaseParams(file: string, kind: string, direction?: string): Record<string, unknown> {
  const data = JSON.parse(
    readFileSync(new URL(`../../../policies/testdata/${file}`, import.meta.url), 'utf8'),
  ) as {
    cases: Record<string, { input: { request: { params: Record<string, unknown> } } }[]>;
  };
  const cases = data.cases[kind] ?? [];
  const found = cases.find((c) => direction === undefined || c.input.request.params.direction === direction);
  if (!found) throw new Error(`no shared case for ${kind}`);
  return found.input.request.params;
}

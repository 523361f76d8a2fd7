import type { z } from 'zod';
import { namespaceCreate } from './namespace-create.js';

/** Every request kind, by id. Adding a kind: one file here, one executor, rules in the policies. */
export const requestKinds = {
  [namespaceCreate.id]: namespaceCreate,
} as const;

export type KindId = keyof typeof requestKinds;
export type ParamsOf<K extends KindId> = z.output<(typeof requestKinds)[K]['params']>;
export type AnyRequestKind = (typeof requestKinds)[KindId];

export const allKinds: readonly AnyRequestKind[] = Object.values(requestKinds);

export function isKindId(id: string): id is KindId {
  return Object.hasOwn(requestKinds, id);
}

/** The kind whose command words are exactly `words` (`['ns', 'create']`, `['deploy']`). */
export function findKindByCommand(words: readonly string[]): AnyRequestKind | undefined {
  return allKinds.find((kind) => kind.command.length === words.length && kind.command.every((w, i) => w === words[i]));
}

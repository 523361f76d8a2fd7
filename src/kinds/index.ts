import type { z } from 'zod';
import { aclOpen } from './acl-open.js';
import { alertSilence } from './alert-silence.js';
import { appDeploy } from './app-deploy.js';
import type { BaseParams, RequestKind } from './define.js';
import { elasticsearchProvision } from './elasticsearch-provision.js';
import { logsQuery } from './logs-query.js';
import { namespaceCreate } from './namespace-create.js';

/** Every request kind, by id. Adding a kind: one file here, one executor, rules in the policies. */
export const requestKinds = {
  [namespaceCreate.id]: namespaceCreate,
  [aclOpen.id]: aclOpen,
  [appDeploy.id]: appDeploy,
  [elasticsearchProvision.id]: elasticsearchProvision,
  [alertSilence.id]: alertSilence,
  [logsQuery.id]: logsQuery,
} as const;

export type KindId = keyof typeof requestKinds;
export type ParamsOf<K extends KindId> = z.output<(typeof requestKinds)[K]['params']>;
/**
 * Any kind, through the shape every kind shares. Code that handles all kinds alike (parse, describe, turn
 * into policy input) calls it with the params its own schema produced; as a union of the concrete kinds a
 * call would need params valid for every kind at once.
 */
export type AnyRequestKind = RequestKind<KindId, z.ZodType<BaseParams & Record<string, unknown>>>;

export const allKinds: readonly AnyRequestKind[] = Object.values(requestKinds);

export function isKindId(id: string): id is KindId {
  return Object.hasOwn(requestKinds, id);
}

/** The kind whose command words are exactly `words` (`['ns', 'create']`, `['deploy']`). */
export function findKindByCommand(words: readonly string[]): AnyRequestKind | undefined {
  return allKinds.find(
    (kind) => kind.command.length === words.length && kind.command.every((w, i) => w === words[i]),
  );
}

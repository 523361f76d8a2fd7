import type { z } from 'zod';
import { aclOpen } from './acl-open/index.js';
import { alertAck } from './alert-ack/index.js';
import { alertSilence } from './alert-silence/index.js';
import { alertUnsilence } from './alert-unsilence/index.js';
import { appDeploy } from './app-deploy/index.js';
import type { BaseParams, RequestKind } from './define.js';
import { elasticsearchProvision } from './elasticsearch-provision/index.js';
import { logsQuery } from './logs-query/index.js';
import { namespaceCreate } from './namespace-create/index.js';

/**
 * Every request kind: the one list. Adding a kind is a folder beside these (see README, "Adding a request
 * kind"), its entry here, and its Rego package; the compiler and test/unit/kinds/kinds.test.ts name what is
 * missing.
 */
export const kinds = [
  namespaceCreate,
  aclOpen,
  appDeploy,
  elasticsearchProvision,
  alertSilence,
  alertAck,
  alertUnsilence,
  logsQuery,
] as const;

export type AnyKindOf = (typeof kinds)[number];
export type KindId = AnyKindOf['id'];
/** The kind of an id, with its own params. */
export type KindOf<K extends KindId> = Extract<AnyKindOf, { id: K }>;
/** The typed params of a kind, as its schema parses them. */
export type ParamsOf<K extends KindId> = z.output<KindOf<K>['params']>;

/** Every kind, by id. */
export const requestKinds = Object.fromEntries(kinds.map((kind) => [kind.id, kind])) as {
  readonly [K in KindId]: KindOf<K>;
};

/**
 * Any kind, through the shape every kind shares. Code that handles all kinds alike (parse, describe, turn
 * into policy input) calls it with the params its own schema produced; as a union of the concrete kinds a
 * call would need params valid for every kind at once.
 */
export type AnyRequestKind = RequestKind<KindId, z.ZodType<BaseParams & Record<string, unknown>>>;

export const allKinds: readonly AnyRequestKind[] = kinds;

export function isKindId(id: string): id is KindId {
  return Object.hasOwn(requestKinds, id);
}

/** The kind whose command words are exactly `words` (`['ns', 'create']`, `['deploy']`). */
export function findKindByCommand(words: readonly string[]): AnyRequestKind | undefined {
  return allKinds.find(
    (kind) => kind.command.length === words.length && kind.command.every((w, i) => w === words[i]),
  );
}

import type { z } from 'zod';

/** Parameters every request kind has: the cluster the change is for. */
export interface BaseParams {
  cluster: string;
}

/** A request kind, declared once: how people ask for it, what it takes, and how policy sees it. */
export interface RequestKind<TId extends string, TSchema extends z.ZodType<BaseParams>> {
  /** `resource.verb`; also the BullMQ job name. */
  readonly id: TId;
  /** The words after `/n3r` that select this kind: `['ns', 'create']`, or one word as in `['deploy']`. */
  readonly command: readonly [string] | readonly [string, string];
  /** Parameter names taken from positional words, in order. */
  readonly positional: readonly string[];
  /** Flags that take no value: `--ha` means `--ha yes`. @defaultValue none */
  readonly switches?: readonly string[];
  readonly usage: string;
  /** One line for `/n3r help`. */
  readonly summary: string;
  readonly params: TSchema;
  /** One human line naming what is asked, for Slack and the audit trail. */
  describe(params: z.output<TSchema>): string;
  /** The `params` the policy sees: quantities as numbers, nothing the rules do not need. */
  toPolicyParams(params: z.output<TSchema>): Record<string, unknown>;
  /** The namespace whose facts (exists, owner team) the policy needs in `input.context.namespace`. */
  namespaceOf?(params: z.output<TSchema>): string;
  /** Whether the request changes every cluster of its cluster's region pair, not just the one named. */
  spansRegionPair?(params: z.output<TSchema>): boolean;
}

export const defineRequestKind = <const TId extends string, TSchema extends z.ZodType<BaseParams>>(
  kind: RequestKind<TId, TSchema>,
) => kind;

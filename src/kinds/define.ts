import type { z } from 'zod';
import type { KindExecutor } from '../core/ports.js';
import type { ExecutionResult, RequestRecord } from '../core/request.js';
import type { ExecutorDeps } from '../executors/executor-deps.js';

/** Parameters every request kind has: the cluster the change is for. */
export interface BaseParams {
  cluster: string;
}

/** How people ask for a kind: the command words, flags and help, and the line that names a request. */
export interface KindIntake<P> {
  /** The words after `/n3r` that select this kind: `['ns', 'create']`, or one word as in `['deploy']`. */
  readonly command: readonly [string] | readonly [string, string];
  /** Parameter names taken from positional words, in order. */
  readonly positional: readonly string[];
  /** Flags that take no value: `--ha` means `--ha yes`. @defaultValue none */
  readonly switches?: readonly string[];
  /** The command line with every flag: `/n3r ns create <name> --cluster <cluster> …`. */
  readonly usage: string;
  /** One line for `/n3r help`. */
  readonly summary: string;
  /** One human line naming what is asked, for Slack and the audit trail. */
  describe(params: P): string;
}

/** What a kind that applies objects says on its card and prompt when it takes over fields (`--take-over`). */
export function takingOver(p: { 'take-over': 'yes' | 'no' }): string {
  return p['take-over'] === 'yes' ? ', taking over fields other field managers hold' : '';
}

/** What the policy sees of a kind's request, and which facts it needs read before it decides. */
export interface KindPolicy<P> {
  /** The `params` the policy sees (policies/README.md): quantities as numbers, nothing the rules do not need. */
  toPolicyParams(params: P): Record<string, unknown>;
  /** The namespace whose facts (exists, owner team) the policy needs in `input.context.namespace`. */
  namespaceOf?(params: P): string;
  /** The alert group (its id) whose facts (cluster, team, acks, silences) the policy needs in `input.context.alert_group`. */
  alertGroupOf?(params: P): string | undefined;
  /**
   * The team whose facts (its on-call group, from the registry) the policy needs in `input.context.team`.
   * @defaultValue the team of the kind's alert group, when it has one
   */
  teamOf?(params: P): string;
  /** Whether the request changes every cluster of its cluster's region pair, not just the one named. */
  spansRegionPair?(params: P): boolean;
}

/** The Kubernetes verbs a rule can grant, in the order `kubectl` lists them. */
export const kubeVerbs = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'bind',
] as const;
export type KubeVerb = (typeof kubeVerbs)[number];

/** One permission a kind's executor needs on every cluster, and why (it becomes a comment in deploy/rbac). */
export interface KindRule {
  /** `''` for the core group. */
  readonly apiGroup: string;
  readonly resources: readonly string[];
  readonly verbs: readonly KubeVerb[];
  /** Only these objects, by name. @defaultValue every object of the resources */
  readonly resourceNames?: readonly string[];
  readonly why: string;
}

/** Builds a kind's executor from what the worker has: cluster clients, the registry, Redis, options. */
export type ExecutorFactory<P> = (deps: ExecutorDeps) => KindExecutor<P>;

/**
 * Undoes what a request of a time-bound kind made, at the end of its time. It reads the stored params with
 * its kind's schema (the record keeps them as given).
 */
export type RevokerFactory = (deps: ExecutorDeps) => (record: RequestRecord) => Promise<ExecutionResult>;

/** The part of a kind that the intake and the core use: how it is asked for, its params, what the policy sees. */
export interface RequestKind<TId extends string, TSchema extends z.ZodType<BaseParams>>
  extends KindIntake<z.output<TSchema>>,
    KindPolicy<z.output<TSchema>> {
  /** `resource.verb`; also the BullMQ job name. */
  readonly id: TId;
  /**
   * Parses the flags as given into typed values (quantities, CIDRs, ports, durations, images), once.
   * Records keep the params as given; the worker parses them again with this schema, to the same values.
   */
  readonly params: TSchema;
}

/**
 * A request kind, declared in one folder (`src/kinds/<kind>/`): how it is asked for, its typed params, what
 * the policy sees, its executor (which is also its plan: the same code with `dryRun`, a server-side dry run
 * whose result approvers see), its revoker when what it makes ends, and the RBAC its executor needs.
 * Executor and revoker modules are loaded only when a worker builds them, so the intake and the core never
 * load Kubernetes code.
 */
export interface Kind<TId extends string, TSchema extends z.ZodType<BaseParams>>
  extends RequestKind<TId, TSchema> {
  /** What the executor does on each cluster, rule by rule; `deploy/rbac` is generated from these. */
  readonly rbac: readonly KindRule[];
  readonly executor: () => Promise<ExecutorFactory<z.output<TSchema>>>;
  readonly revoker?: () => Promise<RevokerFactory>;
}

export const defineKind = <const TId extends string, TSchema extends z.ZodType<BaseParams>>(
  kind: Kind<TId, TSchema>,
) => kind;

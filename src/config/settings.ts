import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type BundleVerificationKey, readBundleVerificationKeys } from './bundle-verification-keys.js';
import { listIssues } from './schema-errors.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  /** Which processes to run here: the Slack-facing bot, the job worker, or both. @defaultValue all */
  N3R_ROLE: z.enum(['bot', 'worker', 'all']).default('all'),
  /** How Slack reaches the bot: Socket Mode (outbound WebSocket, no public endpoint) or HTTP. @defaultValue socket */
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)'),
  /** App-level token with connections:write; needed in Socket Mode. */
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional(),
  /** Verifies HTTP deliveries; needed in HTTP mode. */
  SLACK_SIGNING_SECRET: z.string().min(16, 'must be the app signing secret').optional(),
  /** Web API base URL; only set to reach a Slack emulator. @defaultValue https://slack.com/api/ */
  SLACK_API_URL: z.url().optional(),
  /** Port of the HTTP receiver for Slack deliveries. @defaultValue 3000 */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Bind address of the HTTP receiver. @defaultValue 0.0.0.0 */
  HOST: z.string().default('0.0.0.0'),
  /** Port of the process's own HTTP endpoint (health, metrics, the Alertmanager webhook). @defaultValue 8080 */
  N3R_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Bind address of that endpoint. @defaultValue 0.0.0.0 */
  N3R_HTTP_HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /**
   * Redis Sentinels (`host:port,host:port`); when set, the primary is found through them and REDIS_URL
   * gives only the password, database and TLS (its host is not used).
   */
  REDIS_SENTINELS: z
    .string()
    .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
    .optional(),
  /** The Sentinel name of the primary. @defaultValue mymaster */
  REDIS_SENTINEL_MASTER: z.string().min(1).default('mymaster'),
  /** Prefix of every Redis key and BullMQ queue, so several installations can share one Redis. @defaultValue n3r */
  N3R_PREFIX: z
    .string()
    .regex(/^[a-z0-9][-a-z0-9]*$/)
    .default('n3r'),
  /** Path of the cluster registry YAML. */
  N3R_REGISTRY: z.string().min(1, 'must name the cluster registry file'),
  /** Directory holding one compiled policy bundle per cluster type. @defaultValue build/policies */
  N3R_POLICY_DIR: z.string().default('build/policies'),
  /** Bundle server URL with `{type}` for the cluster type; when set, bundles are polled from it. */
  N3R_BUNDLE_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => u.includes('{type}'), 'must contain {type}')
    .optional(),
  /**
   * Base URL for the links denials show (the policies' METADATA names paths such as
   * `policies/README.md#aclopen-rules`), e.g. the repository's web page with a trailing slash. @defaultValue unset: paths are shown as they are
   */
  N3R_POLICY_DOCS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Keys that bundles from the bundle server must be signed with (`opa build --signing-key`), as JSON:
   * key id → { algorithm, key, scope? }. Required with N3R_BUNDLE_URL unless N3R_BUNDLE_ALLOW_UNSIGNED.
   */
  N3R_BUNDLE_VERIFICATION_KEYS: z.string().optional(),
  /** A file holding that JSON instead (a mounted Secret). */
  N3R_BUNDLE_VERIFICATION_KEYS_FILE: z.string().min(1).optional(),
  /** `true` loads unsigned bundles from the bundle server: whoever controls it controls the policy. @defaultValue false */
  N3R_BUNDLE_ALLOW_UNSIGNED: z.enum(['true', 'false']).default('false'),
  /** Pause between checks for newer policy bundles (directory or bundle server). @defaultValue 10000 */
  N3R_BUNDLE_POLL_MS: z.coerce.number().int().min(100).default(10_000),
  /** How long a job's lock lasts; a crashed worker's jobs run again after about this long. @defaultValue 30000 */
  N3R_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Pause between two sweeps for grants (ACLs) past their expiry; workers run one sweep per pause between them. @defaultValue 60000 */
  N3R_GRANT_SWEEP_MS: z.coerce.number().int().min(500).default(60_000),
  /**
   * A NAT egress IP whose namespace is gone goes back to its pool at a sweep once its allocation is this old
   * (a namespace being created has its address before it exists). @defaultValue 600000
   */
  N3R_EGRESS_RELEASE_GRACE_MS: z.coerce.number().int().min(0).default(600_000),
  /** Jobs run at once per cluster, per worker process. @defaultValue 2 */
  N3R_CONCURRENCY_PER_CLUSTER: z.coerce.number().int().min(1).default(2),
  /** Client-side limit toward each cluster's apiserver: requests per second, and burst. @defaultValue 50, 100 */
  N3R_KUBE_QPS: z.coerce.number().positive().default(50),
  N3R_KUBE_BURST: z.coerce.number().int().min(1).default(100),
  /** Kubeconfig with one context per cluster; absent means in-cluster service account (single cluster). */
  KUBECONFIG: z.string().optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Bearer token Alertmanager sends to `POST /webhooks/alertmanager`; when unset or empty the webhook is not served. */
  N3R_ALERT_WEBHOOK_TOKEN: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  /** Pause between two messages the bot sends to one on-call channel (Slack allows about 1 per second). @defaultValue 1100 */
  N3R_ALERT_CHANNEL_INTERVAL_MS: z.coerce.number().int().min(1000).default(1100),
  /** Alert groups waiting for one channel beyond which they are sent as digests, not one by one. @defaultValue 5 */
  N3R_ALERT_DIGEST_AFTER: z.coerce.number().int().min(1).default(5),
  /** How old the requester's groups may be when the worker re-decides right before running (ms). */
  N3R_RUN_IDENTITY_MAX_AGE_MS: z.coerce.number().int().min(0).default(5_000),
  /** CPU time one policy evaluation may take before it counts as failed, which denies (ms). */
  N3R_POLICY_DEADLINE_MS: z.coerce.number().positive().default(50),
});

export type Settings = Readonly<{
  role: 'bot' | 'worker' | 'all';
  slack:
    | {
        mode: 'socket';
        botToken: string;
        appToken: string;
        apiUrl: string | undefined;
        port: number;
        host: string;
      }
    | {
        mode: 'http';
        botToken: string;
        signingSecret: string;
        apiUrl: string | undefined;
        port: number;
        host: string;
      };
  /** The process's own HTTP endpoint: health, metrics, webhooks. */
  http: { port: number; host: string };
  redisUrl: string;
  /** Sentinels to find the Redis primary through, instead of REDIS_URL's host. */
  redisSentinels: { hosts: { host: string; port: number }[]; master: string } | undefined;
  prefix: string;
  registryPath: string;
  policyDir: string;
  bundleUrl: string | undefined;
  /**
   * How bundles from the bundle server are trusted: signatures checked with these keys, or (an explicit
   * opt-out) not at all. Directory bundles are built by this deployment and are not signed.
   */
  bundleTrust: { verificationKeys: readonly BundleVerificationKey[] } | 'unsigned';
  bundlePollMs: number;
  /** Base URL the policies' documentation links are resolved against. */
  policyDocsUrl: string | undefined;
  kubeconfigPath: string | undefined;
  kubeRateLimit: { qps: number; burst: number };
  jobs: { lockMs: number; concurrencyPerCluster: number; grantSweepMs: number; egressReleaseGraceMs: number };
  logLevel: (typeof logLevels)[number];
  /** On-call alert threads: the webhook's token and the pace of each channel. */
  alerts: { webhookToken: string | undefined; channelIntervalMs: number; digestAfter: number };
  /** How old a requester's groups may be at the worker's re-decision; the bot's own cache is longer. */
  runIdentityMaxAgeMs: number;
  /** A policy evaluation that takes longer than this (CPU time) denies, saying so. */
  policyDeadlineMs: number;
}>;

/** Reads settings from the environment once; every problem is reported together. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = envSchema.safeParse(env);
  // The transport's own secrets are checked apart, so they are reported with every other problem.
  const mode = env.SLACK_MODE ?? 'socket';
  const bundleKeys = readBundleVerificationKeys(
    env.N3R_BUNDLE_VERIFICATION_KEYS,
    env.N3R_BUNDLE_VERIFICATION_KEYS_FILE,
  );
  const problems = [
    ...(parsed.success ? [] : listIssues(parsed.error)),
    ...(mode === 'socket' && !env.SLACK_APP_TOKEN
      ? ['SLACK_APP_TOKEN: is required in Socket Mode (SLACK_MODE=socket)']
      : []),
    ...(mode === 'http' && !env.SLACK_SIGNING_SECRET
      ? ['SLACK_SIGNING_SECRET: is required in HTTP mode (SLACK_MODE=http)']
      : []),
    ...bundleKeys.problems,
    ...bundleTrustProblems(env, bundleKeys.keys.length + bundleKeys.problems.length > 0),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(['settings are invalid:', ...problems.map((p) => `  - ${p}`)].join('\n'));
  }
  const e = parsed.data;
  return Object.freeze({
    role: e.N3R_ROLE,
    slack:
      e.SLACK_MODE === 'socket'
        ? {
            mode: 'socket' as const,
            botToken: e.SLACK_BOT_TOKEN,
            appToken: e.SLACK_APP_TOKEN ?? '',
            apiUrl: e.SLACK_API_URL,
            port: e.PORT,
            host: e.HOST,
          }
        : {
            mode: 'http' as const,
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET ?? '',
            apiUrl: e.SLACK_API_URL,
            port: e.PORT,
            host: e.HOST,
          },
    http: { port: e.N3R_HTTP_PORT, host: e.N3R_HTTP_HOST },
    redisUrl: e.REDIS_URL,
    redisSentinels: e.REDIS_SENTINELS
      ? {
          hosts: e.REDIS_SENTINELS.split(',').map((hostPort) => {
            const at = hostPort.lastIndexOf(':');
            return { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
          }),
          master: e.REDIS_SENTINEL_MASTER,
        }
      : undefined,
    prefix: e.N3R_PREFIX,
    registryPath: e.N3R_REGISTRY,
    policyDir: e.N3R_POLICY_DIR,
    bundleUrl: e.N3R_BUNDLE_URL,
    bundleTrust: e.N3R_BUNDLE_ALLOW_UNSIGNED === 'true' ? 'unsigned' : { verificationKeys: bundleKeys.keys },
    bundlePollMs: e.N3R_BUNDLE_POLL_MS,
    policyDocsUrl: e.N3R_POLICY_DOCS_URL,
    kubeconfigPath: e.KUBECONFIG,
    kubeRateLimit: { qps: e.N3R_KUBE_QPS, burst: e.N3R_KUBE_BURST },
    jobs: {
      lockMs: e.N3R_JOB_LOCK_MS,
      concurrencyPerCluster: e.N3R_CONCURRENCY_PER_CLUSTER,
      grantSweepMs: e.N3R_GRANT_SWEEP_MS,
      egressReleaseGraceMs: e.N3R_EGRESS_RELEASE_GRACE_MS,
    },
    logLevel: e.LOG_LEVEL,
    alerts: {
      webhookToken: e.N3R_ALERT_WEBHOOK_TOKEN,
      channelIntervalMs: e.N3R_ALERT_CHANNEL_INTERVAL_MS,
      digestAfter: e.N3R_ALERT_DIGEST_AFTER,
    },
    runIdentityMaxAgeMs: e.N3R_RUN_IDENTITY_MAX_AGE_MS,
    policyDeadlineMs: e.N3R_POLICY_DEADLINE_MS,
  });
}

/** A bundle server needs keys to verify its bundles with, or the explicit opt-out; not both. */
function bundleTrustProblems(env: NodeJS.ProcessEnv, keysGiven: boolean): string[] {
  const allowUnsigned = env.N3R_BUNDLE_ALLOW_UNSIGNED === 'true';
  if (allowUnsigned && keysGiven) {
    return ['N3R_BUNDLE_ALLOW_UNSIGNED: cannot be true while verification keys are set'];
  }
  if (env.N3R_BUNDLE_URL && !allowUnsigned && !keysGiven) {
    return [
      'N3R_BUNDLE_VERIFICATION_KEYS: is required with N3R_BUNDLE_URL, so that whoever controls the bundle server ' +
        'does not thereby control the policy (or set N3R_BUNDLE_ALLOW_UNSIGNED=true to load unsigned bundles)',
    ];
  }
  return [];
}

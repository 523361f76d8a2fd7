import { pino } from 'pino';
import type { SecretValues } from './secret-values.js';

export type Logger = pino.Logger;

/** Keys whose values are secrets wherever they appear, as pino redact paths (a `*` is one level). */
const secretKeys = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'webhookToken',
  'password',
  'client_key_data',
  'keyData',
  '["client-key-data"]',
  'redisUrl',
  'verificationKeys',
];

/** Paths whose values are secrets; pino replaces them before a line is written. */
export const redactedPaths = [
  ...secretKeys.flatMap((key) =>
    key.startsWith('[') ? [`*${key}`, `*.*${key}`] : [key, `*.${key}`, `*.*.${key}`],
  ),
  ...['authorization', 'Authorization', '["x-slack-signature"]', 'cookie'].flatMap((header) => {
    const h = header.startsWith('[') ? header : `.${header}`;
    return [`headers${h}`, `*.headers${h}`, `*.*.headers${h}`];
  }),
];

/** A Redis URL keeps its host and port in the log; its password does not. Every other secret goes whole. */
function censor(value: unknown): unknown {
  if (typeof value === 'string' && /^rediss?:\/\//.test(value)) {
    try {
      const url = new URL(value);
      if (url.password) url.password = 'redacted';
      return url.toString();
    } catch {
      return '[redacted]';
    }
  }
  return '[redacted]';
}

export function createLogger(options: {
  level: string;
  role: string;
  destination?: pino.DestinationStream;
  /** Secret values cut out of every line, wherever they appear (an error message, a URL). */
  secrets?: SecretValues;
}): Logger {
  const { secrets } = options;
  const destination = secrets ? (options.destination ?? pino.destination(1)) : options.destination;
  return pino(
    {
      level: options.level,
      base: { service: 'n3r-chatops', role: options.role },
      redact: { paths: redactedPaths, censor },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    secrets && destination
      ? { write: (line: string) => destination.write(secrets.scrub(line)) }
      : destination,
  );
}

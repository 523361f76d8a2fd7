import { pino } from 'pino';

export type Logger = pino.Logger;

/** Paths whose values are secrets; pino replaces them before a line is written. */
export const redactedPaths = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'signingSecret',
  'webhookToken',
  '*.webhookToken',
  '*.signingSecret',
  'headers.authorization',
  'headers["x-slack-signature"]',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
  'client_key_data',
  'password',
  '*.password',
];

export function createLogger(options: {
  level: string;
  role: string;
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'n3r-chatops', role: options.role },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

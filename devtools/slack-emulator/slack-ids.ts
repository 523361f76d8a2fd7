import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** An id in Slack's style: a type letter and upper-case letters and digits, e.g. `V0A1B2C3D4` or `Ev0A1B2C3D4`. */
export function slackId(prefix: string, length = 10): string {
  return prefix + [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

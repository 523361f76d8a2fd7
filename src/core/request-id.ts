import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/** `r-` and ten characters people can read aloud; never `:` or all digits, which BullMQ job ids forbid. */
export function newRequestId(): string {
  const bytes = randomBytes(10);
  let id = 'r-';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}

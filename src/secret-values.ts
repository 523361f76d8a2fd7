/** Shorter values are not treated as secrets: replacing them would garble ordinary text. */
const minSecretLength = 8;

/**
 * The secret values this process knows (tokens, passwords, keys), to be cut out of any text that leaves
 * it: log lines and Slack messages. Redaction by path (pino `redact`) catches secrets in known fields;
 * this catches them wherever else they turn up, such as inside an error message.
 */
export class SecretValues {
  readonly #values = new Set<string>();

  constructor(values: Iterable<string | undefined> = []) {
    for (const value of values) this.add(value);
  }

  add(value: string | undefined): void {
    if (!value || value.length < minSecretLength) return;
    this.#values.add(value);
    // As it appears in a URL, a form body or a JSON string.
    this.#values.add(encodeURIComponent(value));
    this.#values.add(JSON.stringify(value).slice(1, -1));
  }

  /** The text with every known secret replaced by `[redacted]`. */
  scrub(text: string): string {
    let out = text;
    for (const value of this.#values) if (out.includes(value)) out = out.replaceAll(value, '[redacted]');
    return out;
  }

  get size(): number {
    return this.#values.size;
  }
}

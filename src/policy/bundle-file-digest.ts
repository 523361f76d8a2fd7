import { createHash } from 'node:crypto';
import { basename } from 'node:path/posix';
import { AppError } from '../errors.js';

/**
 * OPA's digests of bundle files (bundle/hash.go): raw bytes for most files; for JSON documents
 * (`data.json`, `.manifest`) the digest of a canonical form, so whitespace and key order do not matter.
 * OPA hashes JSON as Go encodes it: object keys in byte order, numbers as written, strings escaped as
 * `encoding/json` does without HTML escaping.
 */

/** The digest algorithms accepted in a signature; OPA also allows MD5 and SHA-1, which we do not trust. */
const algorithms: Record<string, string> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export function isDigestAlgorithmAccepted(algorithm: string): boolean {
  return algorithm in algorithms;
}

/** Whether OPA hashes this bundle file as a JSON document rather than as bytes. */
export function isStructuredBundleFile(path: string): boolean {
  const name = basename(path);
  return name === 'data.json' || name === '.manifest';
}

/** The hex digest of a file's bytes, as OPA computes it for files that are not JSON documents. */
export function digestBytes(bytes: Buffer, algorithm: string): string {
  return createHash(nodeAlgorithm(algorithm)).update(bytes).digest('hex');
}

/**
 * Whether a JSON document matches its signed digest, and if so the canonical form that digest is over
 * (returned so the policy evaluates exactly what was signed: a repeated key, which another parser might
 * read differently, cannot slip in). `opa build` writes data.json in canonical form but for a final
 * newline and Go's escapes of `<`, `>` and `&`, so those cheap forms are tried first: canonicalising
 * tens of MiB of data takes seconds. Any form is taken only if its digest is the signed one.
 */
export function matchJsonDigest(bytes: Buffer, algorithm: string, expected: string): Buffer | null {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const end = bytes.at(-1) === 0x0a ? bytes.length - 1 : bytes.length;
  const asWritten = bytes.subarray(start, end);
  if (digestBytes(asWritten, algorithm) === expected) return asWritten;
  if (asWritten.includes('\\u00')) {
    const unescaped = Buffer.from(
      asWritten
        .toString('utf8')
        .replace(/\\u00(3c|3e|26)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    );
    if (digestBytes(unescaped, algorithm) === expected) return unescaped;
  }
  const canonical = Buffer.from(canonicalJson(bytes), 'utf8');
  return digestBytes(canonical, algorithm) === expected ? canonical : null;
}

function nodeAlgorithm(algorithm: string): string {
  const name = algorithms[algorithm];
  if (!name) throw new AppError('INTERNAL', `digest algorithm ${algorithm} is not accepted`);
  return name;
}

/** A number as written in the document: Go decodes numbers as json.Number and writes them back verbatim. */
class NumberLiteral {
  constructor(readonly text: string) {}
}

type JsonValue =
  | null
  | boolean
  | number
  | string
  | NumberLiteral
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The reviver's third argument (JSON.parse source text access, Node 21+). */
type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown;

/** Strings and numbers of a JSON text (the unrolled string pattern does not backtrack on long strings). */
const jsonTokens = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * The document in OPA's canonical form; throws a SyntaxError when it is not JSON. A reviver that keeps
 * each number's source text is several times slower than a plain parse, so it is used only when some
 * number is not written as JavaScript would write it back (`1.50`, `1e3`, integers past 2^53).
 */
export function canonicalJson(bytes: Buffer): string {
  let text = bytes.toString('utf8');
  // OPA strips a UTF-8 byte order mark before parsing.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let numbersRoundTrip = true;
  for (const [token] of text.matchAll(jsonTokens)) {
    if (token.charCodeAt(0) !== 0x22 && String(Number(token)) !== token) {
      numbersRoundTrip = false;
      break;
    }
  }
  const keepNumbers: Reviver = (_key, value, context) =>
    typeof value === 'number' ? new NumberLiteral(context.source ?? String(value)) : value;
  const value = numbersRoundTrip
    ? (JSON.parse(text) as JsonValue)
    : (JSON.parse(text, keepNumbers as Parameters<typeof JSON.parse>[1]) as JsonValue);
  const style = {
    // Raw or escaped surrogates are the only case where JavaScript's key order is not Go's.
    compare: /[\ud800-\udfff]|\\u[dD][89a-fA-F]/.test(text) ? byCodePoint : undefined,
    lineSeparators: /[\u2028\u2029]|\\u202[89]/.test(text),
  };
  return canonical(value, style);
}

interface Style {
  compare: ((a: string, b: string) => number) | undefined;
  lineSeparators: boolean;
}

function canonical(value: JsonValue, style: Style): string {
  switch (typeof value) {
    case 'string':
      return goString(value, style);
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value === null) return 'null';
  if (value instanceof NumberLiteral) return value.text;
  // Strings are built with += rather than joined from arrays: V8 keeps them as ropes, which is faster.
  let out = '';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      out += (i > 0 ? ',' : '') + canonical(value[i] as JsonValue, style);
    return `[${out}]`;
  }
  const keys = Object.keys(value).sort(style.compare);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i > 0 ? ',' : ''}${goString(key, style)}:${canonical(value[key] as JsonValue, style)}`;
  }
  return `{${out}}`;
}

/** Go escapes U+2028 and U+2029 even without HTML escaping; otherwise it escapes as JSON.stringify does. */
function goString(value: string, style: Style): string {
  const json = JSON.stringify(value);
  return style.lineSeparators
    ? json.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    : json;
}

/**
 * Go sorts keys by their UTF-8 bytes, which is code point order. JavaScript compares UTF-16 code units,
 * which differs only where a surrogate (above U+FFFF) meets a code unit from U+E000 to U+FFFF.
 */
function byCodePoint(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const surrogate = (c: number) => c >= 0xd800 && c <= 0xdfff;
    if (surrogate(x) !== surrogate(y) && x >= 0xd800 && y >= 0xd800) return surrogate(x) ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

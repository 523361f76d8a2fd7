import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { listIssues } from './schema-errors.js';

/** The JWS algorithms a bundle signature may use, as `opa build --signing-alg` names them. */
export const signingAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'HS256',
  'HS384',
  'HS512',
] as const;

export type SigningAlgorithm = (typeof signingAlgorithms)[number];

/** One key that bundle signatures are verified with; `key` is secret material and is never logged. */
export interface BundleVerificationKey {
  /** The key id a signature names (`kid`), `default` for `opa build --signing-key` without an id. */
  keyId: string;
  algorithm: SigningAlgorithm;
  /** A PEM public key or certificate (RS, PS, ES, EdDSA), or the shared secret (HS). */
  key: string;
  /** The scope a signature must carry, as `opa build --claims-file` sets it. @defaultValue '' (none) */
  scope: string;
}

/** One entry of the settings' JSON (key id → entry), as OPA's own `keys` configuration. */
const keyEntry = z.strictObject({
  algorithm: z.enum(signingAlgorithms),
  key: z.string().min(1),
  scope: z.string().optional(),
});

/**
 * The keys from `N3R_BUNDLE_VERIFICATION_KEYS` (JSON) or the file `N3R_BUNDLE_VERIFICATION_KEYS_FILE`
 * names, each checked against its algorithm. Problems name the setting and the key id, never the
 * key material.
 */
export function readBundleVerificationKeys(
  json: string | undefined,
  file: string | undefined,
): { keys: BundleVerificationKey[]; problems: string[] } {
  if (json !== undefined && file !== undefined) {
    return {
      keys: [],
      problems: ['N3R_BUNDLE_VERIFICATION_KEYS_FILE: set it or N3R_BUNDLE_VERIFICATION_KEYS, not both'],
    };
  }
  const setting = file === undefined ? 'N3R_BUNDLE_VERIFICATION_KEYS' : 'N3R_BUNDLE_VERIFICATION_KEYS_FILE';
  let text = json;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      return {
        keys: [],
        problems: [`${setting}: cannot read ${file} (${(error as { code?: string }).code})`],
      };
    }
  }
  if (text === undefined || text.trim() === '') return { keys: [], problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which holds the keys.
    return {
      keys: [],
      problems: [`${setting}: is not JSON (an object of key id → { algorithm, key, scope? })`],
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { keys: [], problems: [`${setting}: must be an object of key id → { algorithm, key, scope? }`] };
  }
  const keys: BundleVerificationKey[] = [];
  const problems: string[] = [];
  for (const [keyId, value] of Object.entries(raw)) {
    const entry = keyEntry.safeParse(value);
    if (!entry.success) {
      problems.push(...listIssues(entry.error).map((issue) => `${setting}: key ${keyId}: ${issue}`));
      continue;
    }
    const key = {
      keyId,
      algorithm: entry.data.algorithm,
      key: entry.data.key,
      scope: entry.data.scope ?? '',
    };
    try {
      verificationKeyObject(key);
      keys.push(key);
    } catch (error) {
      problems.push(`${setting}: key ${keyId} ${(error as Error).message}`);
    }
  }
  if (keys.length + problems.length === 0) problems.push(`${setting}: names no key`);
  return { keys, problems };
}

/** The key ready for verification; throws a ConfigError saying what is wrong with it (never the key). */
export function verificationKeyObject(key: Pick<BundleVerificationKey, 'algorithm' | 'key'>): KeyObject {
  if (key.algorithm.startsWith('HS')) {
    if (key.key.length < 32) throw new ConfigError('must be an HMAC secret of at least 32 characters');
    return createSecretKey(Buffer.from(key.key, 'utf8'));
  }
  let object: KeyObject;
  try {
    object = createPublicKey(key.key);
  } catch {
    throw new ConfigError('must be a PEM public key or certificate');
  }
  const wanted = keyTypes[key.algorithm];
  const type = object.asymmetricKeyType ?? '';
  const curve = object.asymmetricKeyDetails?.namedCurve;
  if (!wanted?.types.includes(type) || (wanted.curve && wanted.curve !== curve)) {
    throw new ConfigError(
      `is a ${[type, curve].filter(Boolean).join(' ')} key, which cannot verify ${key.algorithm}`,
    );
  }
  return object;
}

const rsa = { types: ['rsa'] };
const pss = { types: ['rsa', 'rsa-pss'] };
const keyTypes: Partial<Record<SigningAlgorithm, { types: string[]; curve?: string }>> = {
  RS256: rsa,
  RS384: rsa,
  RS512: rsa,
  PS256: pss,
  PS384: pss,
  PS512: pss,
  ES256: { types: ['ec'], curve: 'prime256v1' },
  ES384: { types: ['ec'], curve: 'secp384r1' },
  ES512: { types: ['ec'], curve: 'secp521r1' },
  EdDSA: { types: ['ed25519', 'ed448'] },
};

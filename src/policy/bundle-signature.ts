import type { KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { z } from 'zod';
import { type BundleVerificationKey, verificationKeyObject } from '../config/bundle-verification-keys.js';
import {
  digestBytes,
  isDigestAlgorithmAccepted,
  isStructuredBundleFile,
  matchJsonDigest,
} from './bundle-file-digest.js';
import { type BundleRefusalReason, BundleRefusedError } from './bundle-refusal.js';

export const signaturesFile = '.signatures.json';

/** The JWT claims OPA's signer writes: every file of the bundle with its digest. */
const signedClaims = z.object({
  files: z.array(z.strictObject({ name: z.string().min(1), hash: z.string(), algorithm: z.string() })),
  keyid: z.string().optional(),
  scope: z.string().optional(),
});

const signaturesJson = z.strictObject({
  signatures: z.array(z.string()),
  plugin: z.string().optional(),
});

/**
 * Verifies bundles as OPA does with a `keys` configuration (OPA's bundle/verify.go): `.signatures.json`
 * holds exactly one JWT, signed with the key its `kid` (or its deprecated `keyid` claim, or else the key
 * `default`, as `opa build --verification-key` assumes) names, in the algorithm configured for that key,
 * with that key's scope; and the files it lists are exactly the
 * files of the bundle, each with its digest. Unlike OPA, a bundle without a signature is always refused,
 * no file is excluded, and MD5 and SHA-1 digests are not accepted.
 */
export class BundleVerifier {
  readonly #keys: ReadonlyMap<string, { algorithm: string; scope: string; key: KeyObject }>;

  constructor(keys: readonly BundleVerificationKey[]) {
    this.#keys = new Map(
      keys.map((k) => [k.keyId, { algorithm: k.algorithm, scope: k.scope, key: verificationKeyObject(k) }]),
    );
  }

  /**
   * The bundle's files once verified, without `.signatures.json`. JSON documents are returned in the
   * canonical form their digest was computed over, so the policy evaluates exactly what was signed
   * (a repeated key, read differently by another parser, cannot slip in).
   */
  async verify(files: ReadonlyMap<string, Buffer>, revision: string): Promise<Map<string, Buffer>> {
    const refuse = (reason: BundleRefusalReason, message: string, cause?: unknown) =>
      new BundleRefusedError(`bundle signature: ${message}`, revision, reason, cause);
    const token = signatureToken(files.get(signaturesFile), refuse);
    const claims = await this.verifiedClaims(token, refuse);
    const signed = new Map(claims.files.map((file) => [file.name.replace(/^\/+/, ''), file]));
    const verified = new Map<string, Buffer>();
    for (const [path, bytes] of files) {
      if (path === signaturesFile) continue;
      const file = signed.get(path);
      if (!file) throw refuse('file_not_signed', `${path} is in the bundle but not in its signature`);
      if (!isDigestAlgorithmAccepted(file.algorithm)) {
        throw refuse(
          'digest_mismatch',
          `${path} is signed with digest ${file.algorithm}, which is not accepted`,
        );
      }
      const expected = file.hash.toLowerCase();
      let content: Buffer | null;
      try {
        content = isStructuredBundleFile(path)
          ? matchJsonDigest(bytes, file.algorithm, expected)
          : digestBytes(bytes, file.algorithm) === expected
            ? bytes
            : null;
      } catch (error) {
        throw refuse('digest_mismatch', `${path} is not JSON`, error);
      }
      if (!content) throw refuse('digest_mismatch', `${path} does not match its digest in the signature`);
      verified.set(path, content);
    }
    const missing = [...signed.keys()].filter((path) => !files.has(path));
    if (missing.length > 0) {
      throw refuse('signed_file_missing', `${missing.join(', ')} signed but not in the bundle`);
    }
    return verified;
  }

  private async verifiedClaims(
    token: string,
    refuse: (reason: BundleRefusalReason, message: string, cause?: unknown) => BundleRefusedError,
  ): Promise<z.infer<typeof signedClaims>> {
    let keyId: string | undefined;
    try {
      keyId = decodeProtectedHeader(token).kid ?? signedClaims.shape.keyid.parse(decodeJwt(token).keyid);
    } catch (error) {
      throw refuse('bad_signature', 'the JWT cannot be decoded', error);
    }
    // `opa build --claims-file` signs without a key id; `opa build --verification-key` then assumes this one.
    keyId ||= 'default';
    const key = this.#keys.get(keyId);
    if (!key) throw refuse('unknown_key', `the JWT is signed with key ${keyId}, which is not configured`);
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key.key, { algorithms: [key.algorithm] }));
    } catch (error) {
      throw refuse(
        'bad_signature',
        `the JWT does not verify with key ${keyId}: ${(error as Error).message}`,
        error,
      );
    }
    const claims = signedClaims.safeParse(payload);
    if (!claims.success) throw refuse('bad_signature', 'the JWT does not list the files of the bundle');
    if ((claims.data.scope ?? '') !== key.scope) {
      throw refuse('scope_mismatch', `the JWT's scope is not the one configured for key ${keyId}`);
    }
    return claims.data;
  }
}

function signatureToken(
  bytes: Buffer | undefined,
  refuse: (reason: BundleRefusalReason, message: string) => BundleRefusedError,
): string {
  if (!bytes) throw refuse('unsigned', `the bundle has no ${signaturesFile}`);
  let parsed: z.infer<typeof signaturesJson>;
  try {
    parsed = signaturesJson.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw refuse('unsigned', `${signaturesFile} is not {"signatures": ["<JWT>"]}`);
  }
  const [token, ...more] = parsed.signatures;
  if (!token) throw refuse('unsigned', `${signaturesFile} holds no JWT`);
  if (more.length > 0) throw refuse('bad_signature', `${signaturesFile} holds more than one JWT`);
  if (parsed.plugin !== undefined && parsed.plugin !== '_default') {
    throw refuse(
      'bad_signature',
      `${signaturesFile} asks for verifier ${parsed.plugin}, which is not supported`,
    );
  }
  return token;
}

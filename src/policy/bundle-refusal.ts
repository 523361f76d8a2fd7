import { AppError } from '../errors.js';

/** Why a bundle was refused; the `reason` label of `n3r_policy_bundle_refused_total`. */
export type BundleRefusalReason =
  /** The bundle has no `.signatures.json`, or it holds no JWT. */
  | 'unsigned'
  /** The JWT does not verify with the configured key, or its claims are malformed or expired. */
  | 'bad_signature'
  /** The JWT names no key id, or one that is not configured. */
  | 'unknown_key'
  /** The JWT's scope is not the one configured for its key. */
  | 'scope_mismatch'
  /** A file of the bundle is not listed in the signature. */
  | 'file_not_signed'
  /** A file listed in the signature is not in the bundle. */
  | 'signed_file_missing'
  /** A file's digest is not the one in the signature, or its algorithm is not accepted. */
  | 'digest_mismatch'
  /** The archive exceeds a bound: its size, its uncompressed size, a file's size, or its entry count. */
  | 'too_large'
  /** The archive cannot be read: not gzip, not tar, an unsafe name, a duplicate or a link. */
  | 'unreadable'
  /** The files are there (and signed where required), but the policy does not load or fails its probe. */
  | 'invalid';

/** A bundle that cannot be put in service; its revision is not tried again. */
export class BundleRefusedError extends AppError {
  constructor(
    message: string,
    readonly revision: string,
    readonly reason: BundleRefusalReason = 'invalid',
    cause?: unknown,
  ) {
    super('POLICY_ENGINE', message, { cause });
  }
}

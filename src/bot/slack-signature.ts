import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's signing guide: a request more than five minutes from now, either way, is refused. */
export const maxClockSkewSeconds = 300;

export interface SignedRequest {
  /** The `X-Slack-Request-Timestamp` header, as sent. */
  timestamp: string | undefined;
  /** The `X-Slack-Signature` header, as sent. */
  signature: string | undefined;
  rawBody: Buffer;
}

/** Why a request was refused, for the log; never contains the secret or the signature. */
export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks Slack's v0 signature (`v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`) and that the
 * timestamp is within five minutes of `nowMs` in either direction: a replay is refused whether its
 * timestamp was aged or set ahead.
 */
export function checkSlackSignature(
  signingSecret: string,
  request: SignedRequest,
  nowMs: number = Date.now(),
): SignatureCheck {
  const { timestamp, signature } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing or malformed x-slack-request-timestamp' };
  const skew = Number(timestamp) - Math.floor(nowMs / 1000);
  if (Math.abs(skew) > maxClockSkewSeconds)
    return { ok: false, reason: `timestamp ${skew > 0 ? 'ahead of' : 'behind'} now by ${Math.abs(skew)} s` };
  if (!signature || !/^v0=[0-9a-f]{64}$/.test(signature))
    return { ok: false, reason: 'missing or malformed x-slack-signature (v0 expected)' };
  const expected = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:`)
    .update(request.rawBody)
    .digest();
  if (!timingSafeEqual(Buffer.from(signature.slice(3), 'hex'), expected))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSlackSignature } from '../../../src/bot/slack-signature.js';

const secret = 'test-signing-secret';
const now = Date.parse('2025-06-01T12:00:00Z');
const nowSeconds = now / 1000;
const body = Buffer.from('command=%2Fn3r&text=help');

const sign = (timestamp: number, raw: Buffer = body, key = secret) =>
  `v0=${createHmac('sha256', key).update(`v0:${timestamp}:${raw.toString()}`).digest('hex')}`;

const check = (timestamp: string | undefined, signature: string | undefined, raw: Buffer = body) =>
  checkSlackSignature(secret, { timestamp, signature, rawBody: raw }, now);

describe('checkSlackSignature', () => {
  it('accepts a correct signature within five minutes either way', () => {
    for (const offset of [0, -240, 240, -300, 300]) {
      const ts = nowSeconds + offset;
      expect(check(String(ts), sign(ts))).toEqual({ ok: true });
    }
  });

  it('refuses a correctly signed request more than five minutes in the past or the future', () => {
    for (const offset of [-301, -600, 301, 600]) {
      const ts = nowSeconds + offset;
      const result = check(String(ts), sign(ts));
      expect(result.ok).toBe(false);
      expect(result).toMatchObject({
        reason: expect.stringMatching(offset > 0 ? /ahead of now/ : /behind now/),
      });
    }
  });

  it('refuses a wrong secret, a changed body and a signature with anything appended', () => {
    expect(check(String(nowSeconds), sign(nowSeconds, body, 'other-secret'))).toMatchObject({
      ok: false,
      reason: 'signature mismatch',
    });
    expect(check(String(nowSeconds), sign(nowSeconds), Buffer.from('command=%2Fn3r&text=ns'))).toMatchObject({
      ok: false,
    });
    expect(check(String(nowSeconds), `${sign(nowSeconds)}0`)).toMatchObject({ ok: false });
    expect(check(String(nowSeconds), sign(nowSeconds).toUpperCase())).toMatchObject({ ok: false });
  });

  it('refuses missing or malformed headers without throwing', () => {
    expect(check(undefined, sign(nowSeconds))).toMatchObject({ ok: false });
    expect(check('soon', sign(nowSeconds))).toMatchObject({ ok: false });
    expect(check(`${nowSeconds}.5`, sign(nowSeconds))).toMatchObject({ ok: false });
    expect(check(String(nowSeconds), undefined)).toMatchObject({ ok: false });
    expect(check(String(nowSeconds), `v1=${sign(nowSeconds).slice(3)}`)).toMatchObject({ ok: false });
  });

  it('never puts the secret or the signature in its reason', () => {
    const signature = sign(nowSeconds, body, 'other-secret');
    const result = check(String(nowSeconds), signature);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(JSON.stringify(result)).not.toContain(signature.slice(3));
  });
});

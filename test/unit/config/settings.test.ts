import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config/settings.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadSettings(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
}

describe('settings', () => {
  it('applies defaults to a minimal environment', () => {
    const settings = loadSettings({
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: '0123456789abcdef',
      N3R_REGISTRY: 'registry.yaml',
    });
    expect(settings).toMatchObject({
      role: 'all',
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'n3r',
      policyDir: 'build/policies',
    });
    expect(settings.slack).toMatchObject({ mode: 'http', port: 3000 });
  });

  it('needs the app-level token in Socket Mode, the default', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', N3R_REGISTRY: 'r.yaml' })).toContain(
      'SLACK_APP_TOKEN: is required in Socket Mode',
    );
    const settings = loadSettings({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      N3R_REGISTRY: 'r.yaml',
    });
    expect(settings.slack).toMatchObject({ mode: 'socket', appToken: 'xapp-1' });
  });

  it('reports every problem at once, without echoing secrets', () => {
    const message = problemsOf({
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      N3R_ROLE: 'everything',
      REDIS_URL: 'http://x',
    });
    for (const problem of [
      'N3R_ROLE:',
      'SLACK_BOT_TOKEN: must be a bot token',
      'SLACK_SIGNING_SECRET: is required in HTTP mode',
      'REDIS_URL:',
      'N3R_REGISTRY:',
    ]) {
      expect(message).toContain(problem);
    }
    expect(message).not.toContain('user-token-secret');
  });

  it('reads Redis Sentinels, and refuses a malformed list', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', N3R_REGISTRY: 'r.yaml' };
    expect(
      loadSettings({ ...base, REDIS_SENTINELS: 'sentinel-0:26379,10.0.0.7:26380' }).redisSentinels,
    ).toEqual({
      hosts: [
        { host: 'sentinel-0', port: 26379 },
        { host: '10.0.0.7', port: 26380 },
      ],
      master: 'mymaster',
    });
    expect(loadSettings(base).redisSentinels).toBeUndefined();
    expect(problemsOf({ ...base, REDIS_SENTINELS: 'sentinel-0' })).toContain(
      'REDIS_SENTINELS: must be host:port[,host:port…]',
    );
  });

  it('reads the alert webhook token and the alert pacing, refusing a short token without echoing it', () => {
    const base = {
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: '0123456789abcdef',
      N3R_REGISTRY: 'registry.yaml',
    };
    expect(loadSettings(base).alerts).toEqual({
      webhookToken: undefined,
      channelIntervalMs: 1100,
      digestAfter: 5,
    });
    expect(loadSettings({ ...base, N3R_ALERT_WEBHOOK_TOKEN: '' }).alerts.webhookToken).toBeUndefined();
    const token = 'a-long-enough-webhook-token';
    expect(loadSettings({ ...base, N3R_ALERT_WEBHOOK_TOKEN: token }).alerts.webhookToken).toBe(token);
    const message = problemsOf({
      ...base,
      N3R_ALERT_WEBHOOK_TOKEN: 'short-secret',
      N3R_ALERT_CHANNEL_INTERVAL_MS: '200',
    });
    expect(message).toContain('N3R_ALERT_WEBHOOK_TOKEN: must be at least 16 characters');
    expect(message).toContain('N3R_ALERT_CHANNEL_INTERVAL_MS:');
    expect(message).not.toContain('short-secret');
  });

  describe('bundle verification keys', () => {
    const base = {
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: '0123456789abcdef',
      N3R_REGISTRY: 'registry.yaml',
    };
    const url = 'https://bundles.example/n3r/{type}.tar.gz';
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPublic = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ecPublic = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const keys = (value: unknown) => JSON.stringify(value);

    it('are required with a bundle server, unless unsigned bundles are explicitly allowed', () => {
      expect(problemsOf({ ...base, N3R_BUNDLE_URL: url })).toContain(
        'N3R_BUNDLE_VERIFICATION_KEYS: is required with N3R_BUNDLE_URL',
      );
      expect(
        loadSettings({ ...base, N3R_BUNDLE_URL: url, N3R_BUNDLE_ALLOW_UNSIGNED: 'true' }).bundleTrust,
      ).toBe('unsigned');
      // Directory bundles are built by the deployment itself: no keys needed.
      expect(loadSettings(base).bundleTrust).toEqual({ verificationKeys: [] });
    });

    it('are read from JSON or from a file, one per key id, with algorithm and scope', () => {
      const json = keys({
        default: { algorithm: 'RS256', key: rsaPublic },
        ci: { algorithm: 'ES256', key: ecPublic, scope: 'write' },
      });
      const expected = {
        verificationKeys: [
          { keyId: 'default', algorithm: 'RS256', key: rsaPublic, scope: '' },
          { keyId: 'ci', algorithm: 'ES256', key: ecPublic, scope: 'write' },
        ],
      };
      expect(
        loadSettings({ ...base, N3R_BUNDLE_URL: url, N3R_BUNDLE_VERIFICATION_KEYS: json }).bundleTrust,
      ).toEqual(expected);
      const dir = mkdtempSync(join(tmpdir(), 'n3r-keys-'));
      try {
        writeFileSync(join(dir, 'keys.json'), json);
        const fromFile = loadSettings({
          ...base,
          N3R_BUNDLE_URL: url,
          N3R_BUNDLE_VERIFICATION_KEYS_FILE: join(dir, 'keys.json'),
        });
        expect(fromFile.bundleTrust).toEqual(expected);
        expect(
          problemsOf({ ...base, N3R_BUNDLE_VERIFICATION_KEYS_FILE: join(dir, 'missing.json') }),
        ).toContain(`N3R_BUNDLE_VERIFICATION_KEYS_FILE: cannot read ${join(dir, 'missing.json')} (ENOENT)`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses keys that cannot verify their algorithm, naming the key id but never the key', () => {
      const secret = 'hmac-secret-that-is-too-short';
      const message = problemsOf({
        ...base,
        N3R_BUNDLE_URL: url,
        N3R_BUNDLE_VERIFICATION_KEYS: keys({
          rsa: { algorithm: 'ES256', key: rsaPublic },
          garbage: { algorithm: 'RS256', key: 'not-a-pem-but-maybe-a-secret' },
          hmac: { algorithm: 'HS256', key: secret },
          none: { algorithm: 'none', key: 'x' },
        }),
      });
      expect(message).toContain(
        'N3R_BUNDLE_VERIFICATION_KEYS: key rsa is a rsa key, which cannot verify ES256',
      );
      expect(message).toContain(
        'N3R_BUNDLE_VERIFICATION_KEYS: key garbage must be a PEM public key or certificate',
      );
      expect(message).toContain(
        'N3R_BUNDLE_VERIFICATION_KEYS: key hmac must be an HMAC secret of at least 32 characters',
      );
      expect(message).toContain('N3R_BUNDLE_VERIFICATION_KEYS: key none: algorithm: Invalid option');
      expect(message).not.toContain('not-a-pem-but-maybe-a-secret');
      expect(message).not.toContain(secret);
    });

    it('refuses JSON that does not parse without quoting it, and contradictory settings', () => {
      const broken = `{"default": {"algorithm": "HS256", "key": "a-secret-of-more-than-32-characters!!"`;
      const message = problemsOf({ ...base, N3R_BUNDLE_URL: url, N3R_BUNDLE_VERIFICATION_KEYS: broken });
      expect(message).toContain('N3R_BUNDLE_VERIFICATION_KEYS: is not JSON');
      expect(message).not.toContain('a-secret-of');
      expect(problemsOf({ ...base, N3R_BUNDLE_VERIFICATION_KEYS: '{}' })).toContain(
        'N3R_BUNDLE_VERIFICATION_KEYS: names no key',
      );
      expect(
        problemsOf({
          ...base,
          N3R_BUNDLE_URL: url,
          N3R_BUNDLE_ALLOW_UNSIGNED: 'true',
          N3R_BUNDLE_VERIFICATION_KEYS: keys({ default: { algorithm: 'RS256', key: rsaPublic } }),
        }),
      ).toContain('N3R_BUNDLE_ALLOW_UNSIGNED: cannot be true while verification keys are set');
    });
  });
});

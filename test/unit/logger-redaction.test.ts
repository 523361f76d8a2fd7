import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { knownSecrets } from '../../src/known-secrets.js';
import { createLogger } from '../../src/logger.js';
import { SecretValues } from '../../src/secret-values.js';

const botToken = 'xoxb-1111-2222-abcdefabcdef';
const appToken = 'xapp-1-A0-3333-abcdefabcdef';
const password = 'p4ssw0rd-of-redis';
const bundleSecret = 'hmac-secret-for-bundle-signatures-0123456789';

function capture(secrets?: SecretValues) {
  const lines: string[] = [];
  const log = createLogger({
    level: 'debug',
    role: 'test',
    destination: { write: (line: string) => void lines.push(line) },
    ...(secrets ? { secrets } : {}),
  });
  return { log, lines };
}

const settings = loadSettings({
  SLACK_BOT_TOKEN: botToken,
  SLACK_APP_TOKEN: appToken,
  REDIS_URL: `redis://:${password}@redis.n3r:6379/0`,
  N3R_REGISTRY: 'registry.yaml',
  KUBECONFIG: '/nonexistent/kubeconfig',
  N3R_BUNDLE_URL: 'https://bundles.example/{type}.tar.gz',
  N3R_BUNDLE_VERIFICATION_KEYS: JSON.stringify({ ci: { algorithm: 'HS256', key: bundleSecret } }),
});

describe('log redaction', () => {
  it('redacts secrets by path: settings, headers, kubeconfig keys; keeps the Redis host', () => {
    const { log, lines } = capture();
    log.info({ settings }, 'starting');
    log.warn(
      { req: { headers: { authorization: `Bearer ${botToken}`, 'x-slack-signature': 'v0=abc' } } },
      'x',
    );
    log.warn({ user: { 'client-key-data': 'LS0tLS1CRUdJTiBQUklWQVRF', token: 'kube-token-value' } }, 'x');
    const text = lines.join('');
    for (const secret of [
      botToken,
      appToken,
      password,
      'v0=abc',
      'LS0tLS1CRUdJTiBQUklWQVRF',
      'kube-token-value',
      bundleSecret,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(lines[0] as string).settings.redisUrl).toBe('redis://:redacted@redis.n3r:6379/0');
  });

  it('scrubs known secret values wherever they turn up, such as inside an error message', () => {
    const { log, lines } = capture(knownSecrets(settings));
    log.error(
      { err: new Error(`apiserver said: token ${botToken} and ${encodeURIComponent(password)}`) },
      'x',
    );
    log.info(`bolt says ${appToken}`);
    log.warn({ err: new Error(`cannot verify with ${bundleSecret}`) }, 'x');
    const text = lines.join('');
    expect(text).not.toContain(bundleSecret);
    expect(text).not.toContain(botToken);
    expect(text).not.toContain(appToken);
    expect(text).not.toContain(password);
    expect(text).toContain('apiserver said: token [redacted]');
  });

  it('takes every setting named like a secret, and leaves short values alone', () => {
    const secrets = knownSecrets(settings);
    expect(secrets.scrub(`${botToken} ${appToken} ${password}`)).toBe('[redacted] [redacted] [redacted]');
    expect(new SecretValues(['short']).scrub('a short word')).toBe('a short word');
  });
});

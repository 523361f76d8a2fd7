import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../../src/executors/logs/mask-secrets.js';

// Assembled at run time so that no secret-shaped literal sits in the source.
const slackBot = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const slackApp = ['xapp', '1', 'A0123456789', '1234567890123', 'abcdef0123456789abcdef'].join('-');
const awsKeyId = `AKIA${'IOSFODNN7EXAMPLE'}`;
const jwt = [
  'eyJhbGciOiJIUzI1NiJ9',
  'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
  'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
].join('.');

describe('maskSecrets', () => {
  it.each([
    ['a Slack bot token', `posting with ${slackBot} now`, slackBot, 'xoxb-[masked]'],
    ['a Slack app-level token', `socket token ${slackApp}`, slackApp, 'xapp-[masked]'],
    ['an AWS access key id', `key=${awsKeyId} region=eu`, awsKeyId, 'AKIA[masked]'],
    ['a JWT', `id_token ${jwt}`, jwt, 'eyJ[masked-jwt]'],
    [
      'a bearer token',
      'Authorization: Bearer abcdef0123456789abcdef',
      'abcdef0123456789abcdef',
      'Bearer [masked]',
    ],
    ['a password pair', 'login ok user=kim password=hunter2!', 'hunter2!', 'password=[masked]'],
    [
      'a JSON secret field',
      '{"client_secret": "s3cr3t-value", "id": 4}',
      's3cr3t-value',
      '"client_secret": [masked]',
    ],
    [
      'credentials in a URL',
      'dial postgres://app:pa55w0rd@db:5432/app',
      'pa55w0rd',
      'postgres://app:[masked]@db',
    ],
    [
      'a private key block',
      '-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA7 -----END RSA PRIVATE KEY----- tail',
      'MIIEowIBAAKCAQEA7',
      '-----BEGIN RSA PRIVATE KEY-----[masked] tail',
    ],
  ])('masks %s', (_what, line, secret, shown) => {
    const masked = maskSecrets(line);
    expect(masked).not.toContain(secret);
    expect(masked).toContain(shown);
  });

  it('leaves ordinary lines alone', () => {
    const line = '10.0.0.8 - - "GET /api/v1/users?page=2 HTTP/1.1" 200 512 0.012 token_count=3';
    expect(maskSecrets('GET /healthz 200 1.2ms')).toBe('GET /healthz 200 1.2ms');
    expect(maskSecrets(line)).toBe(line.replace('token_count=3', 'token_count=[masked]'));
  });
});

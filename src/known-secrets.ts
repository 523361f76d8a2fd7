import { KubeConfig } from '@kubernetes/client-node';
import type { Settings } from './config/settings.js';
import { SecretValues } from './secret-values.js';

/**
 * Every secret this process is configured with: every setting named like a token, secret or password
 * (the Slack tokens and signing secret, the webhook token), the Redis password, the bundle verification
 * keys, and the credentials of every kubeconfig user (tokens, passwords, client keys).
 */
export function knownSecrets(settings: Settings): SecretValues {
  const secrets = new SecretValues(secretFields(settings));
  if (settings.bundleTrust !== 'unsigned') {
    for (const { key } of settings.bundleTrust.verificationKeys) secrets.add(key);
  }
  const redisPassword = new URL(settings.redisUrl).password;
  secrets.add(redisPassword);
  secrets.add(decodeURIComponent(redisPassword));
  for (const user of kubeUsers(settings.kubeconfigPath)) {
    secrets.add(user.token);
    secrets.add(user.password);
    secrets.add(user.keyData);
    if (user.keyData) secrets.add(Buffer.from(user.keyData, 'base64').toString('utf8'));
  }
  return secrets;
}

function kubeUsers(path: string | undefined): KubeConfig['users'] {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch {
    // An unreadable kubeconfig stops the start elsewhere, with a clear message.
    return [];
  }
  return kc.users;
}

const secretName = /token|secret|password/i;

/** String values under keys that name a secret, at any depth. */
function secretFields(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return secretName.test(key) ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => secretFields(v, k));
}

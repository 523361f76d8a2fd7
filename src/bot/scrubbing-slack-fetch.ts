import type { FetchFunction } from '@slack/web-api';
import type { SecretValues } from '../secret-values.js';

/**
 * A `fetch` for WebClient that cuts every known secret out of what is sent to Slack: whatever a message
 * carries (an apiserver's error text, a parameter) never puts a token in a channel. Only the body is
 * touched; the Authorization header is how the token is meant to travel.
 */
export function scrubbingSlackFetch(
  secrets: SecretValues,
  base: FetchFunction = globalThis.fetch,
): FetchFunction {
  return (url, init) =>
    base(url, init && typeof init.body === 'string' ? { ...init, body: secrets.scrub(init.body) } : init);
}

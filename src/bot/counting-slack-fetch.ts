import type { FetchFunction } from '@slack/web-api';
import type { Metrics, SlackCallOutcome } from '../metrics/metrics.js';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * The one place every Slack Web API call passes through, ours and Bolt's: a `fetch` for WebClient's
 * `fetch` option that counts each HTTP attempt by method and outcome. A 429 is counted as
 * `rate_limited` and WebClient retries it after Retry-After, so a retried call counts twice.
 */
export function countingSlackFetch(metrics: Metrics, base: FetchFunction = globalThis.fetch): FetchFunction {
  return async (url, init) => {
    const method = methodOf(url);
    let response: FetchResponse;
    try {
      response = await base(url, init);
    } catch (error) {
      metrics.slackApiCall(method, 'network_error');
      throw error;
    }
    if (response.status !== 200) {
      metrics.slackApiCall(method, response.status === 429 ? 'rate_limited' : 'http_error');
      return response;
    }
    // Slack answers errors with 200 and `ok: false`: the body is read once here and handed on as read.
    const text = await response.text();
    metrics.slackApiCall(method, outcomeOf(text));
    return {
      ok: response.ok,
      status: response.status,
      statusText: response.statusText,
      url: response.url,
      headers: response.headers,
      text: async () => text,
      json: async () => JSON.parse(text) as unknown,
      arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
    };
  };
}

/** `chat.postMessage` from `https://slack.com/api/chat.postMessage`. */
function methodOf(url: string | URL): string {
  const path = new URL(String(url)).pathname;
  return path.slice(path.lastIndexOf('/') + 1) || 'unknown';
}

function outcomeOf(text: string): SlackCallOutcome {
  try {
    return (JSON.parse(text) as { ok?: unknown }).ok === true ? 'ok' : 'error';
  } catch {
    return 'error';
  }
}

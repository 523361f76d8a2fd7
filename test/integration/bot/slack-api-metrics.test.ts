import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../../devtools/slack-emulator/slack-emulator.js';
import { channels, localWorkspace } from '../../../devtools/workspace/local-workspace.js';
import { countingSlackFetch } from '../../../src/bot/counting-slack-fetch.js';
import { scrubbingSlackFetch } from '../../../src/bot/scrubbing-slack-fetch.js';
import { PrometheusMetrics } from '../../../src/metrics/prometheus-metrics.js';
import { SecretValues } from '../../../src/secret-values.js';
import { parsePrometheusText, sampleSum } from '../../support/prometheus-text.js';

/** Every Web API attempt is counted by method and outcome, 429s included; secrets never leave in a body. */
describe('Slack API calls through the counting fetch', () => {
  // One message per second per channel, no burst: the second post in a row is answered 429.
  const emulator = new SlackEmulator(localWorkspace(), { rateLimit: { perSecond: 1, burst: 1 } });
  const metrics = new PrometheusMetrics({ queueDepth: async () => ({}), bundleRevisions: () => ({}) });
  const secret = 'n3r-test-secret-value-0123456789';
  let web: WebClient;

  beforeAll(async () => {
    await emulator.start();
    web = new WebClient(emulator.botToken, {
      slackApiUrl: emulator.apiUrl,
      fetch: countingSlackFetch(metrics, scrubbingSlackFetch(new SecretValues([secret]))),
    });
  });
  afterAll(() => emulator.stop());

  const count = async (labels: Record<string, string>) =>
    sampleSum(parsePrometheusText((await metrics.scrape()).body), 'n3r_slack_api_calls_total', labels);

  it('counts successes, rate-limited attempts and their retry', async () => {
    await web.chat.postMessage({ channel: channels.team, text: 'first' });
    await web.chat.postMessage({ channel: channels.team, text: 'second, after a 429' });
    expect(await count({ method: 'chat.postMessage', outcome: 'ok' })).toBe(2);
    expect(await count({ method: 'chat.postMessage', outcome: 'rate_limited' })).toBeGreaterThanOrEqual(1);
    expect(emulator.channelMessages(channels.team).map((m) => m.text)).toEqual([
      'first',
      'second, after a 429',
    ]);
  });

  it("counts Slack's errors (HTTP 200, ok: false) as errors", async () => {
    await expect(web.chat.postMessage({ channel: 'C0NOWHERE', text: 'lost' })).rejects.toThrow(
      /channel_not_found/,
    );
    expect(await count({ method: 'chat.postMessage', outcome: 'error' })).toBe(1);
  });

  it('counts a call that reached no server as a network error', async () => {
    const unreachable = new WebClient(emulator.botToken, {
      slackApiUrl: 'http://127.0.0.1:1/api/',
      fetch: countingSlackFetch(metrics),
      retryConfig: { retries: 0 },
    });
    await expect(unreachable.auth.test()).rejects.toThrow();
    expect(await count({ method: 'auth.test', outcome: 'network_error' })).toBe(1);
  });

  it('cuts known secrets out of what is posted', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await web.chat.postMessage({ channel: channels.onCall, text: `the apiserver said: bad token ${secret}` });
    const [posted] = emulator.channelMessages(channels.onCall).slice(-1);
    expect(posted?.text).toBe('the apiserver said: bad token [redacted]');
  });
});

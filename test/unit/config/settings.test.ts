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
});

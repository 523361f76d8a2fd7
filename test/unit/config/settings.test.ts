import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config/settings.js';

describe('settings', () => {
  it('applies defaults to a minimal environment', () => {
    const settings = loadSettings({
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
    expect(settings.slack.port).toBe(3000);
  });

  it('reports every problem at once, without echoing secrets', () => {
    expect(() =>
      loadSettings({
        SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
        N3R_ROLE: 'everything',
        REDIS_URL: 'http://x',
      }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /N3R_ROLE[\s\S]*SLACK_BOT_TOKEN: must be a bot token[\s\S]*SLACK_SIGNING_SECRET[\s\S]*REDIS_URL[\s\S]*N3R_REGISTRY/,
        ),
      }),
    );
    expect(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxp-user-token-secret' })).not.toThrow(
      /user-token-secret/,
    );
  });
});

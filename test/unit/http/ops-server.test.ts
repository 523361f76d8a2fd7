import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpsServer, startOpsServer } from '../../../src/http/ops-server.js';
import { createLogger } from '../../../src/logger.js';

describe('ops server', () => {
  let server: OpsServer;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = await startOpsServer(
      [
        { method: 'GET', path: '/healthz', handle: async () => ({ status: 200, body: { status: 'ok' } }) },
        {
          method: 'POST',
          path: '/hook',
          maxBodyBytes: 16,
          handle: async (request) => {
            seen.push(request.body.toString());
            return { status: 204 };
          },
        },
        {
          method: 'GET',
          path: '/boom',
          handle: async () => {
            throw new Error('secret detail');
          },
        },
      ],
      { port: 0, host: '127.0.0.1', log: createLogger({ level: 'silent', role: 'test' }) },
    );
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.stop());

  it('answers a route with JSON', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown paths with 404 and wrong methods with 405 and the allowed ones', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const res = await fetch(`${base}/hook`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('refuses a body over the route limit with 413 without calling the route', async () => {
    const res = await fetch(`${base}/hook`, { method: 'POST', body: 'x'.repeat(17) });
    expect(res.status).toBe(413);
    expect(seen).toEqual([]);
    expect((await fetch(`${base}/hook`, { method: 'POST', body: 'small' })).status).toBe(204);
    expect(seen).toEqual(['small']);
  });

  it('hides a failing route behind a plain 500', async () => {
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret detail');
  });
});

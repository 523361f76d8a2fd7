import { describe, expect, it } from 'vitest';
import { Readiness } from '../../../src/http/readiness.js';

describe('Readiness', () => {
  it('is ready when every condition holds', async () => {
    const readiness = new Readiness();
    readiness.require('redis', () => null);
    readiness.require('policy', async () => null);
    expect(await readiness.report()).toEqual({ ready: true, reasons: [] });
  });

  it('names every condition that fails, including one that throws', async () => {
    const readiness = new Readiness();
    readiness.require('redis', () => 'does not answer PING');
    readiness.require('policy', async () => null);
    readiness.require('slack', () => {
      throw new Error('socket closed');
    });
    expect(await readiness.report()).toEqual({
      ready: false,
      reasons: ['redis: does not answer PING', 'slack: socket closed'],
    });
  });

  it('reports not ready from the moment shutdown begins, whatever the conditions say', async () => {
    const readiness = new Readiness();
    readiness.require('redis', () => null);
    readiness.beginShutdown();
    expect(await readiness.report()).toEqual({ ready: false, reasons: ['shutting down'] });
  });
});

import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../../src/core/decision.js';
import { createLogger } from '../../../src/logger.js';
import { BundleReloader } from '../../../src/policy/bundle-reloader.js';
import { DirectoryBundleSource, HttpBundleSource } from '../../../src/policy/bundle-sources.js';
import { OpaPolicyEngine } from '../../../src/policy/opa-policy-engine.js';
import { bundleFromArchive, loadPolicyBundle } from '../../../src/policy/policy-bundle.js';
import { compileBundle, denyAllDecision } from '../../support/policy-bundles.js';

const probeLike: PolicyInput = {
  request: {
    id: 'r-1',
    kind: 'namespace.create',
    params: {},
    requester: { slack_id: 'U1', email: null, groups: [] },
  },
  cluster: { name: 'c', type: 'public', region: 'r' },
  approvals: [],
  context: {},
};

/** A bundle whose every decision carries its own marker, so a decision shows which bundle made it. */
const markedRego = `package n3r.public\n\ndecision := ${denyAllDecision('test.marked')}\n`;

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: 'info', role: 'test', destination }), lines };
}

describe('reloading policy bundles while serving', () => {
  let scratch: string;
  let archives: Record<'a' | 'b', Buffer>;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'n3r-reload-'));
    archives = {
      a: await compileBundle({
        dir: join(scratch, 'a'),
        type: 'public',
        rego: markedRego,
        data: { marker: 'public-a' },
        revision: 'public-a',
      }),
      b: await compileBundle({
        dir: join(scratch, 'b'),
        type: 'public',
        rego: markedRego,
        data: { marker: 'public-b' },
        revision: 'public-b',
      }),
    };
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('picks up a new bundle written to disk, and refuses a broken one while the old keeps serving', async () => {
    const dir = join(scratch, 'served');
    await compileBundle({
      dir,
      type: 'public',
      rego: markedRego,
      data: { marker: 'public-a' },
      revision: 'public-a',
    });
    const { log, lines } = capturingLogger();
    const engine = new OpaPolicyEngine([await loadPolicyBundle(dir, 'public')], log);
    const reloader = new BundleReloader(engine, new DirectoryBundleSource(dir), ['public'], log);

    await reloader.pollNow();
    expect(engine.revisionOf('public')).toBe('public-a');

    await compileBundle({
      dir,
      type: 'public',
      rego: markedRego,
      data: { marker: 'public-b' },
      revision: 'public-b',
    });
    await reloader.pollNow();
    expect(engine.decide('public', probeLike)).toMatchObject({
      revision: 'public-b',
      obligations: { marker: 'public-b' },
    });
    expect(lines.find((l) => l.msg === 'policy bundle reloaded')).toMatchObject({
      from: 'public-a',
      to: 'public-b',
    });

    writeFileSync(join(dir, 'public/policy.wasm'), 'garbage');
    writeFileSync(join(dir, 'public/.manifest'), JSON.stringify({ revision: 'public-broken' }));
    await reloader.pollNow();
    await reloader.pollNow();
    expect(engine.decide('public', probeLike)).toMatchObject({
      revision: 'public-b',
      obligations: { marker: 'public-b' },
    });
    const refusals = lines.filter(
      (l) => l.msg === 'policy bundle refused; the bundle in service keeps deciding',
    );
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 50, clusterType: 'public', keeping: 'public-b' });
  });

  describe('from a bundle server (OPA bundle protocol)', () => {
    let server: Server;
    let serving: Buffer;
    let etag: string;
    const requests: { ifNoneMatch: string | undefined; status: number }[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        const ifNoneMatch = req.headers['if-none-match'];
        const status = req.url !== '/bundles/public.tar.gz' ? 404 : ifNoneMatch === etag ? 304 : 200;
        requests.push({ ifNoneMatch, status });
        if (status !== 200) return void res.writeHead(status).end();
        res.writeHead(200, { etag, 'content-type': 'application/gzip' }).end(serving);
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    });
    afterAll(() => server.close());
    const serve = (archive: Buffer, tag: string) => {
      serving = archive;
      etag = `"${tag}"`;
    };

    // Unsigned bundles, as N3R_BUNDLE_ALLOW_UNSIGNED loads them; signatures: bundle-signatures.test.ts.
    it('reloads on a new ETag, asks with If-None-Match, and keeps serving through a broken bundle', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/{type}.tar.gz`;
      const { log, lines } = capturingLogger();
      const engine = new OpaPolicyEngine(
        [await bundleFromArchive(archives.a, 'public', 'a', 'unsigned')],
        log,
      );
      const reloader = new BundleReloader(engine, new HttpBundleSource(url, 'unsigned'), ['public'], log);

      serve(archives.a, 'a');
      await reloader.pollNow();
      await reloader.pollNow();
      expect(requests.slice(-2)).toEqual([
        { ifNoneMatch: undefined, status: 200 },
        { ifNoneMatch: '"a"', status: 304 },
      ]);
      expect(engine.revisionOf('public')).toBe('public-a');

      serve(archives.b, 'b');
      await reloader.pollNow();
      expect(engine.revisionOf('public')).toBe('public-b');

      serve(Buffer.from('not a tarball'), 'broken');
      await reloader.pollNow();
      expect(engine.decide('public', probeLike)).toMatchObject({
        revision: 'public-b',
        obligations: { marker: 'public-b' },
      });
      expect(
        lines.some(
          (l) =>
            l.msg === 'policy bundle refused; the bundle in service keeps deciding' &&
            l.keeping === 'public-b' &&
            l.reason === 'unreadable',
        ),
      ).toBe(true);
    });
  });

  it('never yields a mixed result when bundles are swapped during concurrent evaluation', async () => {
    const engine = new OpaPolicyEngine(
      [await loadPolicyBundle(join(scratch, 'a'), 'public')],
      createLogger({ level: 'silent', role: 'test' }),
    );
    const bundles = await Promise.all([
      loadPolicyBundle(join(scratch, 'a'), 'public'),
      loadPolicyBundle(join(scratch, 'b'), 'public'),
    ]);
    const seen = new Set<string>();
    const swaps = (async () => {
      for (let i = 0; i < 200; i++) {
        engine.install(bundles[i % 2] as (typeof bundles)[number]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const evaluations = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 250; i++) {
        const decision = engine.decide('public', probeLike);
        expect(decision.obligations.marker).toBe(decision.revision);
        seen.add(decision.revision);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await Promise.all([swaps, ...evaluations]);
    expect(seen).toEqual(new Set(['public-a', 'public-b']));
  });
});

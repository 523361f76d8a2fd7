import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../../scripts/local-stack/stack.js';
import type { BundleVerificationKey } from '../../../src/config/bundle-verification-keys.js';
import type { PolicyInput } from '../../../src/core/decision.js';
import { createLogger } from '../../../src/logger.js';
import { PrometheusMetrics } from '../../../src/metrics/prometheus-metrics.js';
import { BundleRefusedError } from '../../../src/policy/bundle-refusal.js';
import { BundleReloader } from '../../../src/policy/bundle-reloader.js';
import { BundleVerifier } from '../../../src/policy/bundle-signature.js';
import { HttpBundleSource } from '../../../src/policy/bundle-sources.js';
import { loadPolicyEngine } from '../../../src/policy/load-policy-engine.js';
import { OpaPolicyEngine } from '../../../src/policy/opa-policy-engine.js';
import { bundleFromArchive, loadPolicyBundle } from '../../../src/policy/policy-bundle.js';
import { type ArchiveEntry, file, rewriteArchive, untarGz } from '../../support/bundle-archives.js';
import { compileBundle, denyAllDecision } from '../../support/policy-bundles.js';
import { parsePrometheusText, sampleSum } from '../../support/prometheus-text.js';

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

const run = promisify(execFile);
const markedRego = `package n3r.public\n\ndecision := ${denyAllDecision('test.marked')}\n`;

/**
 * data.json as a person might write it, with what OPA's canonical JSON digest is particular about:
 * characters Go escapes when writing but not when hashing (`<>&`, U+2028), number literals JavaScript
 * would write differently (1.50, 1e3, -0, past 2^53), and keys whose UTF-8 order is not their UTF-16 order.
 */
const trickyData = (marker: string) =>
  `{"marker": "${marker}", "note": "R&D <ops> \\u2028 team", "ratio": 1.50, "big": 12345678901234567890,
    "nested": {"b": [1e3, -0], "a": null, "é": true}, "😀": "emoji key", "\\ue000": "private use key"}\n`;

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

const refusedLine = 'policy bundle refused; the bundle in service keeps deciding';
const pem = (key: KeyObject, type: 'spki' | 'pkcs8') => key.export({ type, format: 'pem' }).toString();

describe('signed policy bundles from a bundle server', () => {
  let scratch: string;
  let key: BundleVerificationKey;
  let verifier: BundleVerifier;
  const archives: Record<string, Buffer> = {};
  let server: Server;
  let serving: Buffer = Buffer.alloc(0);
  let servingTag = '""';
  const serve = (archive: Buffer) => {
    serving = archive;
    servingTag = `"${createHash('sha256').update(archive).digest('hex')}"`;
  };
  let url: string;
  let signingPem: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'n3r-signed-'));
    const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    signingPem = join(scratch, 'signing.pem');
    const otherPem = join(scratch, 'other.pem');
    writeFileSync(signingPem, pem(signing.privateKey, 'pkcs8'));
    writeFileSync(otherPem, pem(other.privateKey, 'pkcs8'));
    key = { keyId: 'default', algorithm: 'RS256', key: pem(signing.publicKey, 'spki'), scope: '' };
    verifier = new BundleVerifier([key]);
    const build = (
      name: string,
      sign: Parameters<typeof compileBundle>[0]['sign'],
      data = trickyData(name),
    ) =>
      compileBundle({
        dir: join(scratch, name),
        type: 'public',
        rego: markedRego,
        data,
        revision: name,
        ...(sign ? { sign, regoPath: 'policies/public/policy.rego' } : {}),
      }).then((archive) => {
        archives[name] = archive;
      });
    // One at a time: the machine has two cores.
    await build('public-a', { key: signingPem });
    await build('public-b', { key: signingPem });
    await build('public-unsigned', undefined, JSON.stringify({ marker: 'public-unsigned' }));
    await build('public-other-key', { key: otherPem });
    await build('public-unknown-kid', { key: signingPem, keyId: 'ci-2' });
    await build('public-scoped', { key: signingPem, claims: { scope: 'write' } });
    const b = archives['public-b'] as Buffer;
    const replace = (entries: ArchiveEntry[], name: string, body: string) =>
      entries.map((e) => (e.header.name === name ? { ...e, body } : e));
    archives.tampered = await rewriteArchive(b, (entries) =>
      replace(entries, '/data.json', trickyData('public-b').replace('"R&D', '"evil')),
    );
    archives.extraFile = await rewriteArchive(b, (entries) => [
      ...entries,
      file('/policies/extra.rego', 'package n3r.extra\n'),
    ]);
    archives.missingFile = await rewriteArchive(b, (entries) =>
      entries.filter((e) => e.header.name !== '/policies/public/policy.rego'),
    );
    archives.bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024));
    archives.oversized = Buffer.alloc(32 * 1024 * 1024 + 1);

    server = createServer((req, res) => {
      if (req.url !== '/bundles/public.tar.gz') return void res.writeHead(404).end();
      res.writeHead(200, { etag: servingTag, 'content-type': 'application/gzip' }).end(serving);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/{type}.tar.gz`;
  });
  afterAll(() => {
    server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('takes a bundle that opa build --signing-key signed, however its JSON is laid out', async () => {
    const a = archives['public-a'] as Buffer;
    expect((await untarGz(a)).map((e) => e.header.name)).toContain('/.signatures.json');
    const engine = new OpaPolicyEngine(
      [await bundleFromArchive(a, 'public', 'a', verifier)],
      createLogger({ level: 'silent', role: 'test' }),
    );
    expect(engine.decide('public', probeLike)).toMatchObject({
      revision: 'public-a',
      obligations: { marker: 'public-a' },
    });

    // The same data laid out otherwise (key order, spacing, escapes) has the same canonical digest.
    const relaidOut = await rewriteArchive(a, (entries) =>
      entries.map((e) =>
        e.header.name === '/data.json'
          ? {
              ...e,
              body: `{"\\ue000": "private use key", "😀": "emoji key", "nested": {"é": true, "a": null, "b": [1e3, -0]},
                "big": 12345678901234567890, "ratio": 1.50, "note": "R\\u0026D \\u003cops> \u2028 team", "marker": "public-a"}`,
            }
          : e,
      ),
    );
    await expect(bundleFromArchive(relaidOut, 'public', 'a', verifier)).resolves.toMatchObject({
      revision: 'public-a',
    });
  });

  it('refuses unsigned, wrongly signed and tampered bundles, keeps deciding with the last good one, and says why', async () => {
    const { log, lines } = capturingLogger();
    const engine = new OpaPolicyEngine(
      [await bundleFromArchive(archives['public-a'] as Buffer, 'public', 'a', verifier)],
      log,
    );
    const metrics = new PrometheusMetrics({
      queueDepth: async () => ({}),
      bundleRevisions: () => engine.revisions(),
    });
    const reloader = new BundleReloader(engine, new HttpBundleSource(url, verifier), ['public'], log, {
      metrics,
    });
    const refusals = async (reason: string) =>
      sampleSum(parsePrometheusText((await metrics.scrape()).body), 'n3r_policy_bundle_refused_total', {
        cluster_type: 'public',
        reason,
      });

    serve(archives['public-b'] as Buffer);
    await reloader.pollNow();
    expect(engine.revisionOf('public')).toBe('public-b');

    for (const [name, reason, message] of [
      ['public-unsigned', 'unsigned', 'the bundle has no .signatures.json'],
      ['public-other-key', 'bad_signature', 'the JWT does not verify with key default'],
      ['public-unknown-kid', 'unknown_key', 'the JWT is signed with key ci-2, which is not configured'],
      ['public-scoped', 'scope_mismatch', "the JWT's scope is not the one configured for key default"],
      ['tampered', 'digest_mismatch', 'data.json does not match its digest in the signature'],
      ['extraFile', 'file_not_signed', 'policies/extra.rego is in the bundle but not in its signature'],
      ['missingFile', 'signed_file_missing', 'policies/public/policy.rego signed but not in the bundle'],
      ['bomb', 'too_large', 'bundle archive unpacks to more than 67108864 bytes'],
      ['oversized', 'too_large', 'the archive is over the 33554432 bytes allowed'],
    ] as const) {
      serve(archives[name] as Buffer);
      const before = lines.length;
      const counted = await refusals(reason);
      // Polled twice: the same archive is refused once, not at every poll.
      await reloader.pollNow();
      await reloader.pollNow();
      expect(engine.decide('public', probeLike), name).toMatchObject({
        revision: 'public-b',
        obligations: { marker: 'public-b' },
      });
      const logged = lines.slice(before).filter((l) => l.msg === refusedLine);
      expect(logged, name).toHaveLength(1);
      expect(logged[0], name).toMatchObject({
        level: 50,
        clusterType: 'public',
        keeping: 'public-b',
        reason,
      });
      expect(logged[0]?.err, name).toContain(message);
      expect(await refusals(reason), name).toBe(counted + 1);
    }

    // A good bundle after all that goes into service as usual.
    serve(archives['public-a'] as Buffer);
    await reloader.pollNow();
    expect(engine.revisionOf('public')).toBe('public-a');
  });

  it('at start, refuses an unsigned bundle from the server and serves the build directory instead', async () => {
    const { log, lines } = capturingLogger();
    const metrics = new PrometheusMetrics({ queueDepth: async () => ({}), bundleRevisions: () => ({}) });
    const policyDir = inject('stack').policyDir;
    const built = await loadPolicyBundle(policyDir, 'public');
    serve(archives['public-unsigned'] as Buffer);
    const { engine, reloader } = await loadPolicyEngine(
      { policyDir, bundleUrl: url, bundleTrust: { verificationKeys: [key] }, bundlePollMs: 3_600_000 },
      log,
      metrics,
    );
    try {
      expect(engine.revisionOf('public')).toBe(built.revision);
      expect(
        lines.find((l) => l.msg === 'policy bundle refused at start; using the build directory'),
      ).toMatchObject({
        clusterType: 'public',
        reason: 'unsigned',
      });
      // The reloader knows that archive already: no second refusal for it.
      await reloader.pollNow();
      expect(lines.filter((l) => l.msg === refusedLine && l.clusterType === 'public')).toHaveLength(0);
      const samples = parsePrometheusText((await metrics.scrape()).body);
      expect(sampleSum(samples, 'n3r_policy_bundle_refused_total', { reason: 'unsigned' })).toBe(1);

      serve(archives['public-b'] as Buffer);
      await reloader.pollNow();
      expect(engine.revisionOf('public')).toBe('public-b');
    } finally {
      await reloader.stop();
    }
  });

  it('loads unsigned bundles only when told to, and warns that the bundle server then decides the policy', async () => {
    const { log, lines } = capturingLogger();
    serve(archives['public-unsigned'] as Buffer);
    const { engine, reloader } = await loadPolicyEngine(
      {
        policyDir: inject('stack').policyDir,
        bundleUrl: url,
        bundleTrust: 'unsigned',
        bundlePollMs: 3_600_000,
      },
      log,
    );
    await reloader.stop();
    expect(engine.revisionOf('public')).toBe('public-unsigned');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'policy bundles from the bundle server are NOT verified: whoever controls the bundle server controls the policy',
      }),
    );
  });

  it("signs the repository's own policies with scripts/sign-bundles.sh, as the bot then verifies them", async () => {
    const out = join(scratch, 'signed-bundles');
    await run('bash', [join(projectRoot, 'scripts/sign-bundles.sh'), signingPem, 'ci-2026', out]);
    const ciKey = new BundleVerifier([{ ...key, keyId: 'ci-2026' }]);
    const engine = new OpaPolicyEngine([], createLogger({ level: 'silent', role: 'test' }));
    for (const type of ['public', 'dedicated', 'stateful']) {
      const archive = readFileSync(join(out, `${type}.tar.gz`));
      engine.install(await bundleFromArchive(archive, type, type, ciKey));
      const built = await loadPolicyBundle(inject('stack').policyDir, type);
      expect(engine.revisionOf(type)).toBe(built.revision);
      await expect(bundleFromArchive(archive, type, type, verifier)).rejects.toMatchObject({
        reason: 'unknown_key',
      });
    }
  });

  it('refuses a bundle whose signature file is not what opa writes', async () => {
    const withSignatures = (body: string) =>
      rewriteArchive(archives['public-b'] as Buffer, (entries) =>
        entries.map((e) => (e.header.name === '/.signatures.json' ? { ...e, body } : e)),
      );
    const cases: [string, string][] = [
      ['{"signatures": []}', 'unsigned'],
      ['not json', 'unsigned'],
      [JSON.stringify({ signatures: ['a.b.c'] }), 'bad_signature'],
    ];
    for (const [body, reason] of cases) {
      const error = await bundleFromArchive(await withSignatures(body), 'public', 'x', verifier).catch(
        (e: unknown) => e,
      );
      expect(error, body).toBeInstanceOf(BundleRefusedError);
      expect((error as BundleRefusedError).reason, body).toBe(reason);
    }
    const original = readFileSync(join(scratch, 'public-b/public/.signatures.json'), 'utf8');
    const token = (JSON.parse(original) as { signatures: [string] }).signatures[0];
    const twice = await withSignatures(JSON.stringify({ signatures: [token, token] }));
    await expect(bundleFromArchive(twice, 'public', 'x', verifier)).rejects.toMatchObject({
      reason: 'bad_signature',
      message: expect.stringContaining('holds more than one JWT'),
    });
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundleArchive } from '../../../src/policy/bundle-archive.js';
import { BundleRefusedError } from '../../../src/policy/bundle-refusal.js';
import { file, tarGz } from '../../support/bundle-archives.js';

const MiB = 1024 * 1024;
const longDir = `policies/${'a-very-long-directory-name-'.repeat(5)}/`;

async function refusal(archive: Buffer): Promise<BundleRefusedError> {
  const error = await readBundleArchive(archive, 'rev-1').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BundleRefusedError);
  return error as BundleRefusedError;
}

describe('reading a bundle archive', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'n3r-archive-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reads the files of an OPA-style archive by their names under the bundle root', async () => {
    const archive = await tarGz([
      file('/data.json', '{"a":1}'),
      { header: { name: '/policies', type: 'directory' } },
      file('/policies/x.rego', 'package x'),
      file('/.manifest', '{"revision":"r"}'),
    ]);
    const files = await readBundleArchive(archive, 'rev-1');
    expect([...files.keys()]).toEqual(['data.json', 'policies/x.rego', '.manifest']);
    expect(files.get('policies/x.rego')?.toString()).toBe('package x');
  });

  it('reads names longer than 100 characters from GNU tar (long-name headers) and pax headers', async () => {
    expect(`${longDir}policy.rego`.length).toBeGreaterThan(100);
    const root = join(scratch, 'gnu');
    mkdirSync(join(root, longDir), { recursive: true });
    writeFileSync(join(root, longDir, 'policy.rego'), 'package long');
    writeFileSync(join(root, 'data.json'), '{}');
    const gnu = join(scratch, 'gnu.tar.gz');
    execFileSync('tar', ['--format=gnu', '-czf', gnu, '-C', root, 'data.json', longDir]);
    const fromGnu = await readBundleArchive(readFileSync(gnu), 'rev-1');
    expect(fromGnu.get(`${longDir}policy.rego`)?.toString()).toBe('package long');

    const fromPax = await readBundleArchive(
      await tarGz([file(`/${longDir}policy.rego`, 'package long')]),
      'rev-1',
    );
    expect([...fromPax.keys()]).toEqual([`${longDir}policy.rego`]);
  });

  it('refuses a gzip bomb once it unpacks past 64 MiB, saying so', async () => {
    const bomb = gzipSync(Buffer.alloc(65 * MiB));
    expect(bomb.byteLength).toBeLessThan(MiB);
    const error = await refusal(bomb);
    expect(error.reason).toBe('too_large');
    expect(error.message).toBe(`bundle archive unpacks to more than ${64 * MiB} bytes`);
  });

  it('refuses an archive of more than 10,000 entries', async () => {
    const many = await tarGz(Array.from({ length: 10_001 }, (_, i) => file(`/f${i}.json`, '')));
    const error = await refusal(many);
    expect(error).toMatchObject({ reason: 'too_large', revision: 'rev-1' });
    expect(error.message).toBe('bundle archive has more than 10000 entries');
  });

  it('refuses a file over 48 MiB before reading it', async () => {
    const error = await refusal(await tarGz([file('/data.json', Buffer.alloc(48 * MiB + 1))]));
    expect(error.reason).toBe('too_large');
    expect(error.message).toContain(`holds data.json of ${48 * MiB + 1} bytes`);
  });

  it('refuses names that climb out of the bundle, links, and a file given twice', async () => {
    for (const [entries, text] of [
      [[file('../../etc/cron.d/x', 'x')], 'holds an unsafe name: "../../etc/cron.d/x"'],
      [[file('/a/../../b', 'x')], 'holds an unsafe name'],
      [[{ header: { name: 'data.json', type: 'symlink', linkname: '/etc/passwd' } }], 'a symlink entry'],
      [[file('/data.json', '{}'), file('data.json', '{"b":1}')], 'holds data.json twice'],
    ] as const) {
      const error = await refusal(await tarGz(entries));
      expect(error.reason).toBe('unreadable');
      expect(error.message).toContain(text);
    }
  });

  it('refuses what is not a gzipped tar archive', async () => {
    expect((await refusal(Buffer.from('not a tarball'))).message).toMatch(/^bundle archive is not gzip/);
    expect((await refusal(gzipSync(Buffer.alloc(1024, 'x')))).message).toMatch(
      /^bundle archive is not a tar archive/,
    );
  });
});

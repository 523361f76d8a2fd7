import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { BundleRefusedError } from './bundle-refusal.js';

const gunzipBounded = promisify(gunzip);
const MiB = 1024 * 1024;

/** Bounds on a bundle archive: a bundle server cannot make the bot hold more than this in memory. */
export interface ArchiveLimits {
  /** Size of the archive as served (compressed). @defaultValue 32 MiB */
  maxArchiveBytes: number;
  /** Size of the tar stream once decompressed, headers included. @defaultValue 64 MiB */
  maxUncompressedBytes: number;
  /** Size of one file; data.json is the largest (28 MiB for 100,000 namespaces). @defaultValue 48 MiB */
  maxFileBytes: number;
  /** Entries of the archive, directories included. @defaultValue 10,000 */
  maxEntries: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxArchiveBytes: 32 * MiB,
  maxUncompressedBytes: 64 * MiB,
  maxFileBytes: 48 * MiB,
  maxEntries: 10_000,
};

/**
 * The regular files of a gzipped tar archive (an OPA bundle), by name relative to the bundle root: OPA
 * writes members as `/policy.wasm`, so a leading slash means the root. ustar, pax and GNU long names are
 * read by tar-stream. A name with a `..` segment, a link, a device or a duplicate name is refused, as is
 * anything over the bounds. `revision` identifies the archive in the refusal.
 */
export async function readBundleArchive(
  archive: Buffer,
  revision: string,
  limits: ArchiveLimits = defaultArchiveLimits,
): Promise<Map<string, Buffer>> {
  const refuse = (reason: 'too_large' | 'unreadable', message: string, cause?: unknown) =>
    new BundleRefusedError(`bundle archive ${message}`, revision, reason, cause);
  if (archive.byteLength > limits.maxArchiveBytes) {
    throw refuse('too_large', `is ${archive.byteLength} bytes, over the ${limits.maxArchiveBytes} allowed`);
  }
  let tar: Buffer;
  try {
    tar = await gunzipBounded(archive, { maxOutputLength: limits.maxUncompressedBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw refuse('too_large', `unpacks to more than ${limits.maxUncompressedBytes} bytes`, error);
    }
    throw refuse('unreadable', `is not gzip: ${(error as Error).message}`, error);
  }
  const files = new Map<string, Buffer>();
  const entries = extract();
  entries.end(tar);
  let count = 0;
  try {
    for await (const entry of entries) {
      const { name, type, size = 0 } = entry.header;
      count += 1;
      if (count > limits.maxEntries) {
        throw refuse('too_large', `has more than ${limits.maxEntries} entries`);
      }
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        throw refuse('unreadable', `holds ${name}, a ${type ?? 'unknown'} entry: only files are allowed`);
      }
      const path = bundlePath(name);
      if (path === null) throw refuse('unreadable', `holds an unsafe name: ${JSON.stringify(name)}`);
      if (size > limits.maxFileBytes) {
        throw refuse('too_large', `holds ${path} of ${size} bytes, over the ${limits.maxFileBytes} allowed`);
      }
      if (files.has(path)) throw refuse('unreadable', `holds ${path} twice`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.set(path, Buffer.concat(chunks));
    }
  } catch (error) {
    entries.destroy();
    if (error instanceof BundleRefusedError) throw error;
    throw refuse('unreadable', `is not a tar archive: ${(error as Error).message}`, error);
  }
  return files;
}

/** The member's path under the bundle root, or null when it could point outside it. */
function bundlePath(name: string): string | null {
  if (name.includes('\0') || name.includes('\\')) return null;
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return null;
  return segments.join('/');
}

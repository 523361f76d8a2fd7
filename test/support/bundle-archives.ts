import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, type Header, pack } from 'tar-stream';

/** One member of a hand-made archive; a body of a string or bytes, or a header only (links, dirs). */
export interface ArchiveEntry {
  header: Partial<Header> & Pick<Header, 'name'>;
  body?: string | Buffer;
}

/** A gzipped tar archive of the entries, in order, as tar-stream writes it (pax headers for long names). */
export async function tarGz(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const { header, body } of entries) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (body === undefined) archive.entry(header, done);
      else archive.entry({ ...header, size: Buffer.byteLength(body) }, body, done);
    });
  }
  archive.finalize();
  await collected;
  return gzipSync(Buffer.concat(chunks));
}

/** The members of a gzipped tar archive, in order, with their bodies. */
export async function untarGz(archive: Buffer): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const reader = extract();
  reader.end(gunzipSync(archive));
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ header: entry.header, body: Buffer.concat(chunks) });
  }
  return entries;
}

/**
 * The archive with its members changed by `edit` (which may add, drop or rewrite them), everything else
 * as it was: how a bundle server operator would tamper with a signed bundle.
 */
export async function rewriteArchive(
  archive: Buffer,
  edit: (entries: ArchiveEntry[]) => ArchiveEntry[],
): Promise<Buffer> {
  return tarGz(edit(await untarGz(archive)));
}

/** The entry for a file: `{ header: { name, type: 'file' }, body }`. */
export const file = (name: string, body: string | Buffer): ArchiveEntry => ({
  header: { name, type: 'file', mode: 0o644 },
  body,
});

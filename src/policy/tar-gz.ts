import { gunzipSync } from 'node:zlib';
import { AppError } from '../errors.js';

/**
 * The regular files of a gzipped tar archive, by name without a leading slash. Enough for OPA bundles
 * (ustar, short names); pax and GNU extension headers are skipped, anything else is refused.
 */
export function readTarGz(archive: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(archive);
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (!Number.isFinite(size) || size < 0) throw new AppError('POLICY_ENGINE', `tar: bad size for ${name}`);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (body.length !== size) throw new AppError('POLICY_ENGINE', `tar: ${name} is truncated`);
    if (type === '0' || type === '\0') {
      files.set((prefix ? `${prefix}/${name}` : name).replace(/^\/+/, ''), Buffer.from(body));
    } else if (!['5', 'x', 'g', 'L', 'K'].includes(type)) {
      throw new AppError('POLICY_ENGINE', `tar: unsupported entry type '${type}' for ${name}`);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

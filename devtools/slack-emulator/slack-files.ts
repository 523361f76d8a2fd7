import { randomBytes } from 'node:crypto';

/** A file as the emulated workspace keeps it, from its upload URL to its share in a channel. */
export interface EmulatedFile {
  id: string;
  filename: string;
  /** The byte count promised to files.getUploadURLExternal. */
  length: number;
  /** The secret path its bytes are posted to. */
  uploadPath: string;
  /** The bytes received at the upload URL; null until then. */
  content: Buffer | null;
  title: string | null;
  /** Where files.completeUploadExternal shared it, once completed. */
  shared: { channel: string | null; threadTs: string | null; messageTs: string | null } | null;
}

export type UploadOutcome = { ok: true } | { ok: false; status: number; error: string };

/**
 * Slack's external upload flow, strictly: files.getUploadURLExternal reserves an id and an upload URL for
 * a declared length; the bytes are posted to that URL (their length must match); files.completeUploadExternal
 * shares only files whose bytes arrived, each once.
 */
export class SlackFiles {
  readonly files = new Map<string, EmulatedFile>();

  reserve(filename: string, length: number): EmulatedFile {
    const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
    const file: EmulatedFile = {
      id,
      filename,
      length,
      uploadPath: `/upload/v1/${randomBytes(12).toString('hex')}`,
      content: null,
      title: null,
      shared: null,
    };
    this.files.set(id, file);
    return file;
  }

  /** Bytes posted to an upload URL: a raw body, or a multipart form with one file part (as the SDK sends). */
  receive(path: string, body: Buffer, contentType: string): UploadOutcome {
    const file = [...this.files.values()].find((f) => f.uploadPath === path);
    if (!file) return { ok: false, status: 404, error: 'upload URL not found' };
    if (file.content !== null) return { ok: false, status: 400, error: 'already uploaded' };
    const bytes = contentType.startsWith('multipart/form-data') ? multipartFile(body, contentType) : body;
    if (bytes === null) return { ok: false, status: 400, error: 'no file part in the form' };
    if (bytes.length !== file.length) {
      return {
        ok: false,
        status: 400,
        error: `length mismatch: ${bytes.length} bytes sent, ${file.length} declared`,
      };
    }
    file.content = bytes;
    return { ok: true };
  }

  /** The files a completeUploadExternal names, or the error Slack answers. */
  completable(
    entries: unknown,
  ): { files: { file: EmulatedFile; title: string | null }[] } | { error: string } {
    if (!Array.isArray(entries) || entries.length === 0) return { error: 'invalid_arguments' };
    const files: { file: EmulatedFile; title: string | null }[] = [];
    for (const entry of entries) {
      const { id, title } = (entry ?? {}) as { id?: unknown; title?: unknown };
      const file = typeof id === 'string' ? this.files.get(id) : undefined;
      // Slack: an id it never handed out, or whose bytes never arrived, is not a file (yet).
      if (!file || file.content === null || file.shared !== null) return { error: 'file_not_found' };
      files.push({ file, title: typeof title === 'string' ? title : null });
    }
    return { files };
  }
}

function multipartFile(body: Buffer, contentType: string): Buffer | null {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    if (/filename=/i.test(headers)) return part.subarray(headerEnd + 4);
    start = next;
  }
  return null;
}

import { createGunzip, gunzipSync } from 'node:zlib';
import { closeSync, openSync, readSync, createReadStream } from 'node:fs';
import { FormatError } from '../errors.js';

/**
 * Data files may come gzipped (logs and sessions usually are): a file that starts with gzip's
 * magic bytes is read as its decompressed contents, whatever its name. The limit keeps a
 * hostile archive (a few kB that expand to many GB) from filling the memory.
 */
export const MAX_GUNZIPPED_BYTES = 1 << 30;

/** True when the bytes start with gzip's magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The contents of a data file's bytes: decompressed when gzipped, else as they are.
 *
 * @example
 * const text = new TextDecoder().decode(gunzipIfGzip(readFileSync('sessions.jsonl.gz'), 'sessions.jsonl.gz'));
 */
export function gunzipIfGzip(bytes: Uint8Array, path: string, limit = MAX_GUNZIPPED_BYTES): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new FormatError(`${path}: expands to more than ${limit} bytes when decompressed; split it, or stream it (recur detect reads gzipped logs as a stream)`);
    throw new FormatError(`${path}: starts as a gzip file but cannot be decompressed (${(e as Error).message}); is it truncated?`);
  }
}

/**
 * A file's contents in chunks, decompressed on the fly when the file is gzipped, so a
 * gzipped log streams in constant memory; a corrupt or truncated archive is a FormatError.
 */
export async function* readMaybeGzip(path: string): AsyncGenerator<Uint8Array> {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  if (!isGzip(head.subarray(0, n))) {
    yield* createReadStream(path);
    return;
  }
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on('error', (e) => gunzip.destroy(e));
  try {
    yield* file.pipe(gunzip);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new FormatError(`${path}: starts as a gzip file but cannot be decompressed (${(e as Error).message}); is it truncated?`);
    throw e;
  }
}

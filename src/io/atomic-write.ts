/**
 * Crash-safe writes (Node only).
 *
 * File protocol, `writeFileAtomic(path, data)`:
 *   1. write the bytes to `.<name>.tmp-<pid>-<random>` in the SAME directory (rename is only
 *      atomic within one file system), opened with 'wx' so a stale name is never reused;
 *   2. fsync the temp file, so its bytes are on disk before any name points at them;
 *   3. rename it over `path` (atomic on POSIX and on NTFS via MoveFileEx): readers see the
 *      old file or the new one, never a mix;
 *   4. fsync the directory so the rename itself survives a power cut (skipped where the
 *      platform cannot open or sync directories, e.g. Windows).
 *   On any failure the temp file is removed and the old `path` is untouched.
 *
 * The directory protocol for checkpoints (several files replaced together) is built on these
 * helpers in src/checkpoint/atomic-dir.ts.
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file-system calls used here; tests inject failures through it. */
export interface AtomicFs {
  open(path: string, flags: string, mode?: number): Promise<AtomicFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
  mkdir(path: string): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<unknown>;
}

export interface AtomicFileHandle {
  writeFile(data: Uint8Array | string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface AtomicWriteOptions {
  /** File mode for a new file (default 0o666, less the umask). */
  mode?: number;
  /** File-system implementation (default `node:fs/promises`); for tests. */
  fs?: AtomicFs;
}

export const defaultFs: AtomicFs = nodeFs as unknown as AtomicFs;

/** A unique suffix for temporary names: the process id and random bytes. */
export function tempSuffix(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Writes `data` to `path` so that `path` is always either the old content or the new. */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const fs = options.fs ?? defaultFs;
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${tempSuffix()}`);
  let created = false;
  try {
    await writeAndSync(fs, tmp, data, options.mode, () => (created = true));
    await fs.rename(tmp, path);
    created = false;
  } catch (e) {
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(fs, dirname(path));
}

/** Creates `path` (never reusing a name), writes `data` and fsyncs it. */
export async function writeAndSync(
  fs: AtomicFs,
  path: string,
  data: Uint8Array | string,
  mode: number | undefined,
  onCreate: () => void,
): Promise<void> {
  const fh = await fs.open(path, 'wx', mode ?? 0o666);
  onCreate();
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so renames in it are durable; a no-op where that is unsupported. */
export async function syncDir(fs: AtomicFs, dir: string): Promise<void> {
  let fh: AtomicFileHandle | undefined;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Windows cannot open directories; some file systems refuse fsync on them.
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EACCES') throw e;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Whether `path` exists (other errors than ENOENT are thrown). */
export async function exists(fs: AtomicFs, path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

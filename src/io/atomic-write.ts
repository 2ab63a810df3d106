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
 * Directory protocol, `writeDirAtomic(dir, files)` for a checkpoint of several files. No
 * portable call swaps two directories atomically, so a crash may leave `dir` briefly
 * absent; readers resolve the path with `resolveCheckpointDir`, which makes "old or new"
 * hold after kill -9 at any moment:
 *   0. recover from an earlier crash (see below);
 *   1. write every file into `dir.tmp-<random>`, fsync each file and that directory;
 *   2. rename `dir` to `dir.old` (skipped the first time), fsync the parent;
 *   3. rename `dir.tmp-<random>` to `dir`, fsync the parent;
 *   4. delete `dir.old`.
 *   A crash during 1 leaves `dir` intact plus a partial `dir.tmp-*`; between 2 and 3 only
 *   `dir.old` (complete, old) exists; after 3 `dir` is new and `dir.old` stale. Recovery:
 *   if `dir` is missing and `dir.old` exists, rename it back; then delete `dir.old` and
 *   every `dir.tmp-*`. A temp directory is never promoted, so a half-written one is never
 *   read. One writer at a time per `dir` (use a lock if several processes save).
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

const defaultFs: AtomicFs = nodeFs as unknown as AtomicFs;

function tempSuffix(): string {
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

async function writeAndSync(
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
async function syncDir(fs: AtomicFs, dir: string): Promise<void> {
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

async function exists(fs: AtomicFs, path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Finishes or undoes an interrupted `writeDirAtomic`: restores `dir.old` if `dir` is
 * missing, then removes `dir.old` and leftover `dir.tmp-*` directories.
 */
export async function recoverDirAtomic(dir: string, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? defaultFs;
  const old = `${dir}.old`;
  if (!(await exists(fs, dir)) && (await exists(fs, old))) {
    await fs.rename(old, dir);
    await syncDir(fs, dirname(dir));
  }
  await fs.rm(old, { recursive: true, force: true });
  const prefix = `${basename(dir)}.tmp-`;
  for (const entry of await fs.readdir(dirname(dir))) {
    if (entry.startsWith(prefix)) await fs.rm(join(dirname(dir), entry), { recursive: true, force: true });
  }
}

/**
 * The directory to load a checkpoint from, without changing anything: `dir`, or `dir.old`
 * when a crash interrupted `writeDirAtomic` between its two renames. Throws ENOENT if neither.
 */
export async function resolveCheckpointDir(dir: string, options: Pick<AtomicWriteOptions, 'fs'> = {}): Promise<string> {
  const fs = options.fs ?? defaultFs;
  if (await exists(fs, dir)) return dir;
  if (await exists(fs, `${dir}.old`)) return `${dir}.old`;
  await fs.stat(dir); // throws the ordinary ENOENT naming `dir`
  return dir;
}

/**
 * Replaces directory `dir` by one holding exactly `files` (flat names to contents), so that
 * after a crash at any moment `resolveCheckpointDir(dir)` yields the complete old or new set.
 */
export async function writeDirAtomic(
  dir: string,
  files: Readonly<Record<string, Uint8Array | string>>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const fs = options.fs ?? defaultFs;
  for (const name of Object.keys(files)) {
    if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
      throw new Error(`writeDirAtomic: file name ${JSON.stringify(name)} must be a plain name without separators`);
    }
  }
  await recoverDirAtomic(dir, options);
  const parent = dirname(dir);
  const tmp = `${dir}.tmp-${tempSuffix()}`;
  try {
    await fs.mkdir(tmp);
    for (const [name, data] of Object.entries(files)) {
      await writeAndSync(fs, join(tmp, name), data, options.mode, () => undefined);
    }
    await syncDir(fs, tmp);
    await syncDir(fs, parent);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  const hadOld = await exists(fs, dir);
  if (hadOld) {
    await fs.rename(dir, `${dir}.old`);
    await syncDir(fs, parent);
  }
  try {
    await fs.rename(tmp, dir);
  } catch (e) {
    if (hadOld) await fs.rename(`${dir}.old`, dir).catch(() => undefined);
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  await syncDir(fs, parent);
  await fs.rm(`${dir}.old`, { recursive: true, force: true });
}

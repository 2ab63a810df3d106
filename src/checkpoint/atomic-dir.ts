/**
 * Crash-safe replacement of a checkpoint directory (Node only), on the file helpers of
 * io/atomic-write.ts.
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
import { basename, dirname, join } from 'node:path';
import { defaultFs, exists, syncDir, tempSuffix, writeAndSync, type AtomicWriteOptions } from '../io/atomic-write.js';

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

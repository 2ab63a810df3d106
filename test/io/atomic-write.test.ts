import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, type AtomicFileHandle, type AtomicFs } from '../../src/io/atomic-write.js';
import { recoverDirAtomic, resolveCheckpointDir, writeDirAtomic } from '../../src/checkpoint/atomic-dir.js';
import { readSafetensors } from '../../src/io/safetensors.js';

const realFs = fsp as unknown as AtomicFs;

const scratchDirs: string[] = [];
async function scratch(): Promise<string> {
  const dir = await fsp.mkdtemp(join(tmpdir(), 'recur-atomic-'));
  scratchDirs.push(dir);
  return dir;
}
after(() => Promise.all(scratchDirs.map((d) => fsp.rm(d, { recursive: true, force: true }))));

const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** Real fs whose file writes put down the first half of the data, then fail. */
function failingWrites(afterOpens = 0): AtomicFs {
  let opens = 0;
  return {
    ...realFs,
    open: async (path, flags, mode) => {
      const fh = await realFs.open(path, flags, mode);
      if (flags !== 'wx' || opens++ < afterOpens) return fh;
      const broken: AtomicFileHandle = {
        writeFile: async (data) => {
          const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
          await fh.writeFile(bytes.subarray(0, bytes.length >> 1));
          throw enospc();
        },
        sync: () => fh.sync(),
        close: () => fh.close(),
      };
      return broken;
    },
  };
}

describe('writeFileAtomic', () => {
  test('writes new files and replaces existing ones, leaving no temp files', async () => {
    const dir = await scratch();
    const path = join(dir, 'model.safetensors');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await fsp.readFile(path))], [1, 2, 3]);
    assert.deepEqual(await fsp.readdir(dir), ['model.safetensors']);
  });

  test('a write failing midway leaves the old file intact and removes the temp', async () => {
    const dir = await scratch();
    const path = join(dir, 'ckpt.bin');
    await fsp.writeFile(path, 'old contents');
    await assert.rejects(writeFileAtomic(path, 'x'.repeat(10_000), { fs: failingWrites() }), { code: 'ENOSPC' });
    assert.equal(await fsp.readFile(path, 'utf8'), 'old contents');
    assert.deepEqual(await fsp.readdir(dir), ['ckpt.bin']);
  });

  test('a failing fsync or rename also leaves the old file and no temp', async () => {
    const dir = await scratch();
    const path = join(dir, 'ckpt.bin');
    await fsp.writeFile(path, 'old');
    const badSync: AtomicFs = {
      ...realFs,
      open: async (p, f, m) => {
        const fh = await realFs.open(p, f, m);
        return f === 'wx' ? { ...fh, writeFile: (d) => fh.writeFile(d), close: () => fh.close(), sync: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) } : fh;
      },
    };
    await assert.rejects(writeFileAtomic(path, 'new', { fs: badSync }), { code: 'EIO' });
    const badRename: AtomicFs = { ...realFs, rename: () => Promise.reject(Object.assign(new Error('EXDEV'), { code: 'EXDEV' })) };
    await assert.rejects(writeFileAtomic(path, 'new', { fs: badRename }), { code: 'EXDEV' });
    assert.equal(await fsp.readFile(path, 'utf8'), 'old');
    assert.deepEqual(await fsp.readdir(dir), ['ckpt.bin']);
  });

  test('a concurrent reader only ever sees a complete version', async () => {
    const dir = await scratch();
    const path = join(dir, 'watched.bin');
    const version = (v: number): Uint8Array => new Uint8Array(1 << 18).fill(v);
    await writeFileAtomic(path, version(0));
    let done = false;
    let reads = 0;
    const reader = (async () => {
      while (!done) {
        const b = await fsp.readFile(path);
        assert.equal(b.length, 1 << 18);
        assert.ok(b.every((x) => x === b[0]), 'torn read');
        reads++;
      }
    })();
    for (let v = 1; v <= 40; v++) await writeFileAtomic(path, version(v));
    done = true;
    await reader;
    assert.ok(reads > 0);
  });
});

describe('writeDirAtomic', () => {
  test('replaces a checkpoint directory as a whole', async () => {
    const root = await scratch();
    const dir = join(root, 'ckpt');
    await writeDirAtomic(dir, { 'a.txt': 'a1', 'b.txt': 'b1' });
    await writeDirAtomic(dir, { 'a.txt': 'a2' });
    assert.deepEqual(await fsp.readdir(dir), ['a.txt']);
    assert.equal(await fsp.readFile(join(dir, 'a.txt'), 'utf8'), 'a2');
    assert.deepEqual(await fsp.readdir(root), ['ckpt']);
    await assert.rejects(writeDirAtomic(dir, { '../x': 'no' }), /plain name/);
  });

  test('a failure while writing the new files keeps the old checkpoint and cleans up', async () => {
    const root = await scratch();
    const dir = join(root, 'ckpt');
    await writeDirAtomic(dir, { 'a.txt': 'old-a', 'b.txt': 'old-b' });
    await assert.rejects(writeDirAtomic(dir, { 'a.txt': 'new-a', 'b.txt': 'new-b' }, { fs: failingWrites(1) }), { code: 'ENOSPC' });
    assert.equal(await fsp.readFile(join(dir, 'a.txt'), 'utf8'), 'old-a');
    assert.equal(await fsp.readFile(join(dir, 'b.txt'), 'utf8'), 'old-b');
    assert.deepEqual(await fsp.readdir(root), ['ckpt']);
  });

  test('every crash state resolves to a complete old or new checkpoint', async () => {
    const root = await scratch();
    const dir = join(root, 'ckpt');
    // Crashed between "dir -> dir.old" and "tmp -> dir": only the old one and a temp exist.
    await fsp.mkdir(`${dir}.old`);
    await fsp.writeFile(join(`${dir}.old`, 'a.txt'), 'old');
    await fsp.mkdir(`${dir}.tmp-123`);
    await fsp.writeFile(join(`${dir}.tmp-123`, 'a.txt'), 'ne'); // maybe half-written: never used
    assert.equal(await resolveCheckpointDir(dir), `${dir}.old`);
    await recoverDirAtomic(dir);
    assert.deepEqual(await fsp.readdir(root), ['ckpt']);
    assert.equal(await fsp.readFile(join(dir, 'a.txt'), 'utf8'), 'old');
    // Crashed after the second rename: the new one is in place, the old one is stale.
    await fsp.mkdir(`${dir}.old`);
    assert.equal(await resolveCheckpointDir(dir), dir);
    await writeDirAtomic(dir, { 'a.txt': 'newer' });
    assert.deepEqual(await fsp.readdir(root), ['ckpt']);
    await assert.rejects(resolveCheckpointDir(join(root, 'missing')), { code: 'ENOENT' });
  });

  test('kill -9 at random moments never leaves an unloadable or mixed checkpoint', async () => {
    const root = await scratch();
    const dir = join(root, 'ckpt');
    const file = join(root, 'single.safetensors');
    const child = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
    let seen = -1;
    for (let round = 0; round < 6; round++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, file, String(round * 100_000)], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        proc.stdout.once('data', () => resolve());
        proc.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      });
      await new Promise((r) => setTimeout(r, 5 + ((round * 37) % 60)));
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      const at = await resolveCheckpointDir(dir);
      const config = JSON.parse(await fsp.readFile(join(at, 'config.json'), 'utf8')) as { version: number };
      const weights = readSafetensors(await fsp.readFile(join(at, 'weights.safetensors')), at).w!;
      assert.ok(weights.data.every((x) => x === config.version), `round ${round}: weights and config disagree`);
      const single = readSafetensors(await fsp.readFile(file), file).w!;
      assert.ok(single.data.every((x) => x === single.data[0]));
      assert.ok(config.version >= round * 100_000 && config.version > seen);
      seen = config.version;
    }
  });
});

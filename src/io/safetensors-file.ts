/**
 * Safetensors files on disk (Node only). Saving goes through `writeFileAtomic`, so a crash
 * never leaves a half-written checkpoint; inspecting reads the header bytes only, so
 * `recur info` on a multi-gigabyte file costs two small reads.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { FormatError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.js';
import {
  parseSafetensorsHeader,
  readHeaderLength,
  readSafetensors,
  writeSafetensors,
  type Float32TensorLike,
  type ReadSafetensorsOptions,
  type SafetensorsHeader,
} from './safetensors.js';

/** Reads a whole safetensors file into float32 Tensors keyed by name. */
export async function loadSafetensorsFile(path: string, options?: ReadSafetensorsOptions): Promise<Record<string, Tensor>> {
  return readSafetensors(await readFile(path), path, options);
}

/** Writes float32 tensors (e.g. `module.stateDict()`) atomically as a safetensors file. */
export async function saveSafetensorsFile(
  path: string,
  tensors: Readonly<Record<string, Tensor | Float32TensorLike>>,
  metadata?: Readonly<Record<string, string>>,
  options?: AtomicWriteOptions,
): Promise<void> {
  await writeFileAtomic(path, writeSafetensors(tensors, metadata), options);
}

/** Parses the header of a safetensors file, reading only its first 8 + N bytes. */
export async function inspectSafetensorsFile(path: string): Promise<SafetensorsHeader> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const readAt = async (position: number, length: number): Promise<Uint8Array> => {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, position + got);
        if (bytesRead === 0) throw new FormatError(`${path}: file ended at byte ${position + got} while reading its header`);
        got += bytesRead;
      }
      return buf;
    };
    return await parseHeaderWith(path, size, readAt); // await: the handle must stay open
  } finally {
    await fh.close();
  }
}

/** Synchronous `inspectSafetensorsFile`, for the CLI. */
export function inspectSafetensorsFileSync(path: string): SafetensorsHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const readAt = (position: number, length: number): Uint8Array => {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, position + got);
        if (n === 0) throw new FormatError(`${path}: file ended at byte ${position + got} while reading its header`);
        got += n;
      }
      return buf;
    };
    return parseHeaderWith(path, size, readAt);
  } finally {
    closeSync(fd);
  }
}

// Shared by the sync and async readers: the length is checked before the header is read,
// so a hostile length never sizes an allocation.
function parseHeaderWith(path: string, size: number, readAt: (pos: number, len: number) => Uint8Array): SafetensorsHeader;
function parseHeaderWith(
  path: string,
  size: number,
  readAt: (pos: number, len: number) => Promise<Uint8Array>,
): Promise<SafetensorsHeader>;
function parseHeaderWith(
  path: string,
  size: number,
  readAt: (pos: number, len: number) => Uint8Array | Promise<Uint8Array>,
): SafetensorsHeader | Promise<SafetensorsHeader> {
  const withPrefix = (prefix: Uint8Array): SafetensorsHeader | Promise<SafetensorsHeader> => {
    const n = readHeaderLength(prefix, size, path);
    const finish = (json: Uint8Array): SafetensorsHeader => {
      const head = new Uint8Array(8 + n);
      head.set(prefix.subarray(0, 8));
      head.set(json, 8);
      return parseSafetensorsHeader(head, path, { fileSize: size });
    };
    const json = readAt(8, n);
    return json instanceof Uint8Array ? finish(json) : json.then(finish);
  };
  if (size < 8) readHeaderLength(new Uint8Array(0), size, path); // throws the "too short" error
  const prefix = readAt(0, 8);
  return prefix instanceof Uint8Array ? withPrefix(prefix) : prefix.then(withPrefix);
}

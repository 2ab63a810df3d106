import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FormatError } from '../../errors.js';
import { loadOnnx, type LoadOnnxOptions, type OnnxModel } from './import/load.js';

/**
 * Node-only file helpers for ONNX models. Kept apart from the rest of src/io/onnx so that
 * browser bundles never reach `node:fs`.
 */

/** Reads and loads an ONNX model file; errors name the file. */
export async function loadOnnxFile(path: string, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new FormatError(`${path}: cannot read the ONNX file (${e instanceof Error ? e.message : String(e)})`);
  }
  return loadOnnx(bytes, { source: options.source ?? path });
}

/**
 * Writes model bytes (from `exportOnnx`) to `path` through a temporary file in the same folder
 * and a rename, so a crash mid-write never leaves a truncated model under the final name.
 */
export async function saveOnnxFile(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

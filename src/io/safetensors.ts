import { FormatError, OptionError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { bfloat16ToFloat, f32Bytes, halfToFloat, read16, readF32, readF64 } from './float-decode.js';
import { DTYPE_SIZES, parseSafetensorsHeader, type SafetensorsEntry } from './safetensors-header.js';

/**
 * Safetensors reading and writing on bytes (browser-safe: no Node APIs). Layout: an 8-byte
 * little-endian header length N, N bytes of JSON
 * `{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}}`,
 * then the data section, row-major, little-endian.
 *
 * @example
 * const bytes = writeSafetensors(layer.stateDict(), { format: 'pt' });
 * layer.loadStateDict(readSafetensors(bytes, 'model.safetensors'));
 */

export {
  DTYPE_SIZES,
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  readHeaderLength,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors-header.js';

/** The dtypes `readSafetensors` converts to float32 (all exactly except F64, which rounds). */
export const LOADABLE_DTYPES = ['F32', 'F16', 'BF16', 'F64'] as const;

export interface ReadSafetensorsOptions {
  /**
   * Leave out tensors of other dtypes (integers, BOOL, FP8) instead of failing. Default
   * false: recur's parameters are float32, and silently widening I64 step counters or
   * masks would hide a mismatch.
   */
  skipUnsupported?: boolean;
}

/**
 * Reads every tensor of a safetensors file as float32 Tensors keyed by name (PyTorch state
 * dict names, ready for `Module.loadStateDict`). Throws FormatError on any malformed header
 * or data, naming `source`.
 */
export function readSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  source: string,
  options: ReadSafetensorsOptions = {},
): Record<string, Tensor> {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const header = parseSafetensorsHeader(buf, source);
  const out: Record<string, Tensor> = {};
  for (const entry of header.tensors) {
    const data = decodeEntry(buf, entry, source, options.skipUnsupported ?? false);
    if (data === null) continue;
    // defineProperty keeps a tensor named "__proto__" an ordinary own property.
    Object.defineProperty(out, entry.name, {
      value: new Tensor(data, entry.shape),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function decodeEntry(buf: Uint8Array, e: SafetensorsEntry, source: string, skip: boolean): Float32Array | null {
  const count = e.byteLength / DTYPE_SIZES[e.dtype];
  switch (e.dtype) {
    case 'F32':
      return readF32(buf, e.byteOffset, count);
    case 'F64':
      return readF64(buf, e.byteOffset, count);
    case 'F16':
      return read16(buf, e.byteOffset, count, halfToFloat);
    case 'BF16':
      return read16(buf, e.byteOffset, count, bfloat16ToFloat);
    default:
      if (skip) return null;
      throw new FormatError(
        `${source}: tensor ${JSON.stringify(e.name)} has dtype ${e.dtype}; recur loads only ${LOADABLE_DTYPES.join(', ')} ` +
          `(pass { skipUnsupported: true } to leave it out, or convert it to float in PyTorch before saving)`,
      );
  }
}

/** What `writeSafetensors` accepts per tensor: a Tensor or any float32 data with a shape. */
export interface Float32TensorLike {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Serialises float32 tensors to safetensors bytes that `safetensors.torch.load_file` accepts.
 * Deterministic, and byte-identical to the reference writer for F32: tensors are laid out
 * in ascending name order (the reference sorts by descending dtype alignment, then by name
 * in byte order; with one dtype that is name order), the header is compact JSON with
 * `__metadata__` first (its keys sorted here, where the reference's order is a hash map's),
 * padded with spaces to a multiple of 8 so every tensor starts 8-byte aligned.
 */
export function writeSafetensors(
  tensors: Readonly<Record<string, Tensor | Float32TensorLike>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const enc = new TextEncoder();
  for (const s of [...Object.keys(tensors), ...Object.entries(metadata ?? {}).flat()]) {
    // JSON can escape a lone surrogate, but the reference (Rust) parser refuses it.
    if (typeof s === 'string' && LONE_SURROGATE.test(s)) {
      throw new OptionError(`writeSafetensors: ${JSON.stringify(s)} holds an unpaired UTF-16 surrogate, which safetensors readers reject`);
    }
  }
  const names = Object.keys(tensors).sort((a, b) => compareBytes(enc.encode(a), enc.encode(b)));
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort((a, b) => compareBytes(enc.encode(a), enc.encode(b)));
    for (const k of keys) {
      if (typeof metadata[k] !== 'string') {
        throw new OptionError(`writeSafetensors: metadata ${JSON.stringify(k)} must be a string, got ${typeof metadata[k]}`);
      }
    }
    const body = keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',');
    parts.push(`"__metadata__":{${body}}`);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new OptionError('writeSafetensors: "__metadata__" is reserved and cannot name a tensor');
    const t = tensors[name]!;
    const shape = [...t.shape];
    let count = 1;
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new ShapeError(`writeSafetensors: tensor ${JSON.stringify(name)} has shape [${shape.join(', ')}]; dimensions must be non-negative integers`);
      }
      count *= d;
    }
    if (!(t.data instanceof Float32Array) || t.data.length !== count) {
      const found = t.data instanceof Float32Array ? `${t.data.length} values` : 'data that is not a Float32Array';
      throw new ShapeError(`writeSafetensors: tensor ${JSON.stringify(name)} has shape [${shape.join(', ')}] (${count} values) but ${found}`);
    }
    const bytes = f32Bytes(t.data);
    parts.push(`${JSON.stringify(name)}:{"dtype":"F32","shape":[${shape.join(',')}],"data_offsets":[${offset},${offset + bytes.length}]}`);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = enc.encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u; // with /u, paired surrogates are one code point and do not match

/** Byte-wise comparison of UTF-8 strings (Rust's `str` order, which the reference sorts by). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

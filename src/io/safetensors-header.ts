import { FormatError } from '../errors.js';
import { JsonSyntaxError, parseStrictJson, type JsonValue } from './strict-json.js';

/**
 * Validation of a safetensors header (format: 8-byte little-endian u64 N, N bytes of UTF-8
 * JSON, then the data section). Pure: no Node APIs, reads no tensor data. Every field comes
 * from an untrusted file, so each is bounds-checked before it sizes or indexes anything, and
 * every failure is a FormatError naming the source, the tensor, and expected vs found.
 *
 * Like the reference reader (huggingface/safetensors `Metadata::validate`), the tensors'
 * `data_offsets` must tile the data section exactly: sorted by offset they start at 0, each
 * begins where the previous ended (no gap, no overlap) and the last ends at the end of the
 * file. PyTorch's `load_file` rejects anything else, so accepting it would only hide
 * corruption.
 */

/** Element sizes in bytes of every dtype the reference implementation knows. */
export const DTYPE_SIZES = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E5M2: 1, F8_E4M3: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
} as const;

export type SafetensorsDtype = keyof typeof DTYPE_SIZES;

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute offset of the tensor's first byte in the file (8 + header length + begin). */
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface SafetensorsHeader {
  /** Tensors in file order (ascending offset). */
  readonly tensors: readonly SafetensorsEntry[];
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** N, the JSON header's byte length (padding included). */
  readonly headerLength: number;
  /** Where the data section starts: 8 + N. */
  readonly dataStart: number;
  readonly fileSize: number;
}

/** The reference implementation's limit; a longer header is refused before it is read. */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Reads and checks the 8-byte header length against the file size. Needs only the first 8
 * bytes, so a file reader can call it before reading (or allocating for) the header.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, source: string): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new FormatError(
      `${source}: not a safetensors file: expected at least 8 bytes (the header length), found ${fileSize < 8 ? fileSize : prefix.length}`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo; // may be inexact above 2^53, but then hi > 0 already fails below
  if (hi !== 0 || n > MAX_HEADER_BYTES) {
    throw new FormatError(
      `${source}: header length ${hi === 0 ? n : `${hi} * 2^32 + ${lo}`} is larger than the ${MAX_HEADER_BYTES}-byte limit (corrupted or not a safetensors file)`,
    );
  }
  if (n < 2) throw new FormatError(`${source}: header length is ${n}; a JSON object needs at least 2 bytes`);
  if (8 + n > fileSize) {
    throw new FormatError(`${source}: header length ${n} runs past the end of the ${fileSize}-byte file (truncated?)`);
  }
  return n;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses and validates the header of a safetensors file without touching tensor data.
 * `bytes` is the whole file, or (with `options.fileSize`) any prefix holding at least the
 * 8 + N header bytes, which lets a file reader inspect a large file by reading its header only.
 */
export function parseSafetensorsHeader(
  bytes: Uint8Array | ArrayBuffer,
  source: string,
  options: { fileSize?: number } = {},
): SafetensorsHeader {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fileSize = options.fileSize ?? buf.length;
  const n = readHeaderLength(buf, fileSize, source);
  if (buf.length < 8 + n) {
    throw new FormatError(`${source}: only ${buf.length} bytes given, the header needs ${8 + n}`);
  }
  let text: string;
  try {
    text = utf8.decode(buf.subarray(8, 8 + n));
  } catch {
    throw new FormatError(`${source}: header is not valid UTF-8`);
  }
  let root: JsonValue;
  try {
    root = parseStrictJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new FormatError(`${source}: header is not valid JSON: ${e.message}`);
  }
  if (root.kind !== 'object') {
    throw new FormatError(`${source}: header must be a JSON object, found ${root.kind}`);
  }
  const dataStart = 8 + n;
  const dataLength = fileSize - dataStart;
  let metadata: Record<string, string> = {};
  const tensors: Array<SafetensorsEntry & { begin: number; end: number }> = [];
  for (const [name, value] of root.entries) {
    if (name === '__metadata__') metadata = parseMetadata(value, source);
    else tensors.push(parseEntry(name, value, dataLength, dataStart, source));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkTiling(tensors, dataLength, source);
  return {
    tensors: tensors.map(({ name, dtype, shape, byteOffset, byteLength }) => ({ name, dtype, shape, byteOffset, byteLength })),
    metadata,
    headerLength: n,
    dataStart,
    fileSize,
  };
}

function parseMetadata(value: JsonValue, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value.kind === 'null') return out;
  if (value.kind !== 'object') {
    throw new FormatError(`${source}: __metadata__ must be an object of strings, found ${value.kind}`);
  }
  for (const [k, v] of value.entries) {
    if (v.kind !== 'string') {
      throw new FormatError(`${source}: __metadata__ value for ${JSON.stringify(k)} must be a string, found ${v.kind}`);
    }
    // defineProperty keeps a key such as "__proto__" an ordinary own property.
    Object.defineProperty(out, k, { value: v.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'];

function parseEntry(
  name: string,
  value: JsonValue,
  dataLength: number,
  dataStart: number,
  source: string,
): SafetensorsEntry & { begin: number; end: number } {
  const where = `${source}: tensor ${JSON.stringify(name)}`;
  if (value.kind !== 'object') {
    throw new FormatError(`${where}: expected an object {dtype, shape, data_offsets}, found ${value.kind}`);
  }
  const fields = new Map(value.entries);
  for (const key of fields.keys()) {
    if (!ENTRY_FIELDS.includes(key)) {
      throw new FormatError(`${where}: unexpected field ${JSON.stringify(key)} (expected only dtype, shape, data_offsets)`);
    }
  }
  const dtypeValue = fields.get('dtype');
  if (dtypeValue?.kind !== 'string' || !Object.hasOwn(DTYPE_SIZES, dtypeValue.value)) {
    const found = dtypeValue === undefined ? 'nothing' : dtypeValue.kind === 'string' ? JSON.stringify(dtypeValue.value) : dtypeValue.kind;
    throw new FormatError(`${where}: dtype must be one of ${Object.keys(DTYPE_SIZES).join(', ')}; found ${found}`);
  }
  const dtype = dtypeValue.value as SafetensorsDtype;
  const shape = intList(fields.get('shape'), `${where}: shape`);
  const offsets = intList(fields.get('data_offsets'), `${where}: data_offsets`);
  if (offsets.length !== 2) {
    throw new FormatError(`${where}: data_offsets must be [begin, end], found ${offsets.length} numbers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new FormatError(`${where}: data_offsets [${begin}, ${end}] has begin > end`);
  if (end > dataLength) {
    throw new FormatError(`${where}: data_offsets end ${end} is past the end of the ${dataLength}-byte data section (truncated file?)`);
  }
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > Number.MAX_SAFE_INTEGER) {
      throw new FormatError(`${where}: shape [${shape.join(', ')}] has more than 2^53 elements (overflow)`);
    }
  }
  const byteLength = count * DTYPE_SIZES[dtype];
  if (!Number.isSafeInteger(byteLength) || byteLength !== end - begin) {
    throw new FormatError(
      `${where}: ${dtype} shape [${shape.join(', ')}] needs ${count} * ${DTYPE_SIZES[dtype]} = ${byteLength} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape, byteOffset: dataStart + begin, byteLength, begin, end };
}

/** A list of non-negative integers written as plain digits (no sign, fraction or exponent). */
function intList(value: JsonValue | undefined, what: string): number[] {
  if (value?.kind !== 'array') {
    throw new FormatError(`${what} must be an array of non-negative integers, found ${value?.kind ?? 'nothing'}`);
  }
  return value.items.map((item, i) => {
    if (item.kind !== 'number' || !/^\d+$/.test(item.raw) || !Number.isSafeInteger(item.value)) {
      const found = item.kind === 'number' ? item.raw : item.kind;
      throw new FormatError(`${what}[${i}] must be a non-negative integer below 2^53, found ${found}`);
    }
    return item.value;
  });
}

function checkTiling(sorted: ReadonlyArray<{ name: string; begin: number; end: number }>, dataLength: number, source: string): void {
  let pos = 0;
  let prev = '';
  for (const t of sorted) {
    const where = `${source}: tensor ${JSON.stringify(t.name)}`;
    if (t.begin < pos) {
      throw new FormatError(`${where}: data_offsets [${t.begin}, ${t.end}] overlap tensor ${JSON.stringify(prev)} which ends at ${pos}`);
    }
    if (t.begin > pos) {
      throw new FormatError(`${where}: data_offsets begin at ${t.begin}, expected ${pos} (tensors must cover the data section without gaps)`);
    }
    pos = t.end;
    prev = t.name;
  }
  if (pos !== dataLength) {
    throw new FormatError(
      `${source}: tensors cover ${pos} bytes of data but the data section holds ${dataLength} (trailing bytes or truncated header)`,
    );
  }
}

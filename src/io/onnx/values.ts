import { FormatError } from '../../errors.js';
import { DataType } from './schema.js';
import type { OnnxTensorProto } from './proto.js';

/**
 * The importer's runtime values: float tensors (float32, as recur computes) and integer
 * tensors (indices, shapes, lengths) kept as float64 so int64 values up to 2^53 stay exact
 * and the huge "to the end" sentinels in Slice compare correctly.
 */
export interface FloatValue {
  readonly kind: 'float';
  readonly data: Float32Array;
  readonly shape: readonly number[];
}
export interface IntValue {
  readonly kind: 'int';
  readonly data: Float64Array;
  readonly shape: readonly number[];
}
export type Value = FloatValue | IntValue;

/** Cap on elements any tensor may have (1 GiB of float32): guards allocations sized by file or input data. */
export const MAX_ELEMENTS = 2 ** 28;

export function floatValue(data: Float32Array, shape: readonly number[]): FloatValue {
  return { kind: 'float', data, shape };
}
export function intValue(data: Float64Array | readonly number[], shape: readonly number[]): IntValue {
  return { kind: 'int', data: data instanceof Float64Array ? data : Float64Array.from(data), shape };
}

/** Elements of a shape, after checking each dim is a non-negative integer and the total is allowed. */
export function checkedSize(shape: readonly number[], where: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FormatError(`${where}: invalid dimension ${d} in shape [${shape.join(', ')}]`);
    n *= d;
  }
  if (n > MAX_ELEMENTS) throw new FormatError(`${where}: shape [${shape.join(', ')}] has ${n} elements, more than the ${MAX_ELEMENTS} allowed`);
  return n;
}

const FLOAT_TYPES: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.DOUBLE]);
const INT_TYPES: ReadonlySet<number> = new Set([DataType.UINT8, DataType.INT8, DataType.INT32, DataType.INT64, DataType.BOOL, 4, 5, 12, 13]);

export function isFloatType(t: number): boolean {
  return FLOAT_TYPES.has(t);
}
export function isIntType(t: number): boolean {
  return INT_TYPES.has(t);
}

/** Bytes per element in raw_data, for the types recur reads. */
function rawWidth(t: number): number {
  switch (t) {
    case DataType.DOUBLE:
    case DataType.INT64:
    case 13: // UINT64
      return 8;
    case DataType.FLOAT:
    case DataType.INT32:
    case 12: // UINT32
      return 4;
    case 4: // UINT16
    case 5: // INT16
      return 2;
    default:
      return 1;
  }
}

function readRaw(view: DataView, t: number, i: number): number {
  switch (t) {
    case DataType.FLOAT: return view.getFloat32(i * 4, true);
    case DataType.DOUBLE: return view.getFloat64(i * 8, true);
    case DataType.INT64: return Number(view.getBigInt64(i * 8, true));
    case 13: return Number(view.getBigUint64(i * 8, true));
    case DataType.INT32: return view.getInt32(i * 4, true);
    case 12: return view.getUint32(i * 4, true);
    case 5: return view.getInt16(i * 2, true);
    case 4: return view.getUint16(i * 2, true);
    case DataType.INT8: return view.getInt8(i);
    default: return view.getUint8(i);
  }
}

/**
 * A TensorProto's values. The element count from `dims` is compared with the data actually
 * present before anything is allocated, so a lying header cannot request a huge buffer.
 */
export function valueFromTensorProto(t: OnnxTensorProto, where: string): Value {
  const what = `${where}${t.name && !where.includes(t.name) ? ` '${t.name}'` : ''}`;
  if (t.external) throw new FormatError(`${what}: stored in an external data file, which recur cannot read; save the model with its weights inside`);
  const float = isFloatType(t.dataType);
  if (!float && !isIntType(t.dataType)) {
    throw new FormatError(`${what}: data type ${t.dataType} is not supported (float, double and integer types are)`);
  }
  const n = checkedSize(t.dims, what);
  const out = float ? new Float32Array(0) : new Float64Array(0);
  let data: Float32Array | Float64Array = out;
  if (t.rawData !== undefined && t.rawData.length > 0) {
    const width = rawWidth(t.dataType);
    if (t.rawData.length !== n * width) {
      throw new FormatError(`${what}: raw_data has ${t.rawData.length} bytes but shape [${t.dims.join(', ')}] needs ${n * width}`);
    }
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    data = float ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = readRaw(view, t.dataType, i);
  } else {
    const src =
      t.dataType === DataType.FLOAT ? t.floatData
      : t.dataType === DataType.DOUBLE ? t.doubleData
      : t.dataType === DataType.INT64 ? t.int64Data
      : t.int32Data;
    const have = src?.length ?? 0;
    if (have !== n) throw new FormatError(`${what}: holds ${have} values but shape [${t.dims.join(', ')}] needs ${n}`);
    data = float ? Float32Array.from(src ?? []) : Float64Array.from(src ?? []);
  }
  return data instanceof Float32Array ? floatValue(data, [...t.dims]) : intValue(data, [...t.dims]);
}

/** A float32 TensorProto with little-endian raw_data (compact, and what onnxruntime prefers). */
export function floatTensorProto(name: string, data: Float32Array, dims: readonly number[]): OnnxTensorProto {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: raw };
}

/** An int64 TensorProto (shapes, axes, indices). */
export function int64TensorProto(name: string, values: readonly number[], dims: readonly number[] = [values.length]): OnnxTensorProto {
  return { name, dims: [...dims], dataType: DataType.INT64, int64Data: [...values] };
}

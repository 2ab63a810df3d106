/**
 * Exact conversions of stored floats to float32, reading little-endian bytes through a
 * DataView so that any byte offset works (safetensors only aligns data when every writer
 * pads, and old files do not) and big-endian hosts read correctly too.
 */

// 2^k for k in [-24, 15], built by halving/doubling so every entry is exact.
const POW2: number[] = [];
for (let k = -24, v = 2 ** -24; k <= 15; k++, v *= 2) POW2.push(v);

/** IEEE binary16 bits to a number: subnormals, ±0, ±inf and NaN included; exact in float32. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * POW2[0]!; // subnormal: mant * 2^-24
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * POW2[exp - 1]!; // (1 + mant/1024) * 2^(exp-15)
}

/** bfloat16 bits are the top half of a float32: shifting them up is exact. */
const bfScratch = new DataView(new ArrayBuffer(4));
export function bfloat16ToFloat(b: number): number {
  bfScratch.setUint32(0, (b & 0xffff) << 16 >>> 0);
  return bfScratch.getFloat32(0);
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads `count` float32 values; a fast aligned copy where possible, DataView otherwise. */
export function readF32(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const at = bytes.byteOffset + offset;
  if (hostIsLittleEndian && at % 4 === 0) {
    return new Float32Array(bytes.buffer, at, count).slice(); // copy: never alias the file buffer
  }
  const view = new DataView(bytes.buffer, at, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Reads `count` float64 values rounded to nearest float32 (as torch's `.float()`). */
export function readF64(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 8);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** Reads `count` 16-bit floats (F16 or BF16) widened exactly to float32. */
export function read16(bytes: Uint8Array, offset: number, count: number, decode: (bits: number) => number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = decode(view.getUint16(i * 2, true));
  return out;
}

/** Float32 values as little-endian bytes. */
export function f32Bytes(data: Float32Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}

// Jobs and replies in shared memory, for browsers: there a caller blocked in Atomics.wait
// cannot receive a message (there is no receiveMessageOnPort), so the worker writes its reply
// into a SharedArrayBuffer the caller gave it; and the caller writes each job into another,
// since structured cloning megabytes into a postMessage costs ~5 ms per MB in Chromium
// (fresh pages), against ~0.05 ms to copy them into memory written before. Layout: [u32
// header bytes][JSON header][typed arrays, each 8-byte aligned]. The header holds the table of
// arrays (type, offset, length) and the value with each typed array replaced by {"$a": its
// index in the table}.

type Typed = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

const CTORS: Record<string, new (n: number) => Typed> = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
};
const VIEWS = CTORS as unknown as Record<string, new (b: SharedArrayBuffer, at: number, n: number) => Typed>;
const tagOf = (a: ArrayBufferView): string | undefined => Object.keys(CTORS).find((k) => a instanceof CTORS[k]!);
const align = (n: number): number => (n + 7) & ~7;
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A value laid out for writing: its size is known before a byte is written. */
export interface Encoded {
  readonly bytes: number;
  readonly header: Uint8Array;
  readonly arrays: readonly { readonly data: Typed; readonly at: number }[];
}

/** Lays out plain data: objects, arrays, strings, finite numbers, booleans, null, typed arrays. */
export function encode(value: unknown): Encoded {
  const index = new Map<Typed, number>(); // an array reachable twice (trace and saved) is stored once
  const arrays: Typed[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    // JSON would turn NaN and the infinities into null: refused, so the caller can clone instead.
    if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`wire: non-finite number ${v}`);
    if (!ArrayBuffer.isView(v)) return v;
    const a = v as Typed;
    if (tagOf(a) === undefined) throw new TypeError(`wire: unsupported array type ${a.constructor.name}`);
    if (!index.has(a)) {
      index.set(a, arrays.length);
      arrays.push(a);
    }
    return { $a: index.get(a) };
  });
  const offsets: number[] = [];
  let end = 0;
  for (const a of arrays) {
    offsets.push(end);
    end = align(end + a.byteLength);
  }
  const table = JSON.stringify(arrays.map((a, i) => [tagOf(a), offsets[i], a.length]));
  const header = new TextEncoder().encode(`{"a":${table},"v":${json ?? 'null'}}`);
  const start = align(4 + header.byteLength);
  return { bytes: start + end, header, arrays: arrays.map((data, i) => ({ data, at: start + offsets[i]! })) };
}

/** Writes an encoded value at the start of `into` (at least `e.bytes` long). */
export function write(e: Encoded, into: SharedArrayBuffer): void {
  if (into.byteLength < e.bytes) throw new RangeError(`wire: ${e.bytes} bytes do not fit in ${into.byteLength}`);
  new Uint32Array(into, 0, 1)[0] = e.header.byteLength;
  new Uint8Array(into, 4, e.header.byteLength).set(e.header);
  for (const { data, at } of e.arrays) new Uint8Array(into, at, data.byteLength).set(bytesOf(data));
}

/**
 * Reads a value back. Its typed arrays are fresh copies, so the buffer can be reused at once;
 * with `views`, they are views of `from` instead (no allocation), valid only until `from` is
 * written again.
 */
export function read(from: SharedArrayBuffer, options: { views?: boolean } = {}): unknown {
  const n = new Uint32Array(from, 0, 1)[0]!;
  // TextDecoder refuses views of shared memory: slice copies into an ordinary buffer.
  const { a, v } = JSON.parse(new TextDecoder().decode(new Uint8Array(from, 4, n).slice())) as { a: [string, number, number][]; v: unknown };
  const start = align(4 + n);
  const arrays = a.map(([tag, offset, length]) => {
    if (options.views) return new VIEWS[tag]!(from, start + offset, length);
    const out = new CTORS[tag]!(length);
    bytesOf(out).set(new Uint8Array(from, start + offset, out.byteLength));
    return out;
  });
  return revive(v, arrays);
}

function revive(v: unknown, arrays: Typed[]): unknown {
  if (Array.isArray(v)) return v.map((x) => revive(x, arrays));
  if (v === null || typeof v !== 'object') return v;
  const ref = (v as { $a?: unknown }).$a;
  if (typeof ref === 'number') return arrays[ref];
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x, arrays)]));
}

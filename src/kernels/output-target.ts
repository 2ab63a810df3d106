// Output targets (`SequenceForwardArgs.into`): a pass's y rows written into a wider array.
// Backends that can write there themselves do (the WASM backend copies out of its memory
// straight into it); entry.ts places the y of any other into it afterwards.
import { ShapeError } from '../errors.js';
import type { OutputTarget, SequenceForwardArgs, SequenceForwardResult } from './types.js';

/**
 * Copies `rows` rows of `width` values, row r at src[from + r * width], into the target's
 * rows `firstRow`, `firstRow + 1`, ... (the rows of chunks of a batch split are not
 * contiguous: `rowOf` maps a chunk's row to the pass's row).
 */
export function writeRows(src: Float32Array, from: number, rows: number, width: number, into: OutputTarget, rowOf: (r: number) => number = (r) => r): void {
  const { data, stride, offset } = into;
  for (let r = 0; r < rows; r++) {
    const s = from + r * width;
    data.set(src.subarray(s, s + width), rowOf(r) * stride + offset);
  }
}

/** Throws unless `into` can hold the pass's T * B rows of P values. */
export function checkTarget(args: SequenceForwardArgs): void {
  const into = args.into;
  if (!into) return;
  const { T, B, P } = args.dims;
  const { stride, offset, data } = into;
  const ok = Number.isInteger(stride) && Number.isInteger(offset) && offset >= 0 && offset + P <= stride && T * B * stride <= data.length;
  if (!ok) {
    throw new ShapeError(`sequence forward: the output target (stride ${stride}, offset ${offset}, ${data.length} values) cannot hold ${T * B} rows of ${P}; want offset + P <= stride and T*B*stride <= its length`);
  }
}

/** The arguments without their output target (for a worker, or a chunk of the batch). */
export function withoutTarget(args: SequenceForwardArgs): SequenceForwardArgs {
  if (!args.into) return args;
  const { into: _into, ...rest } = args;
  return rest;
}

/** The result with y in `args.into` (copied there unless the backend wrote it there). */
export function placeOutput(args: SequenceForwardArgs, result: SequenceForwardResult): SequenceForwardResult {
  const into = args.into;
  if (!into || result.y === into.data) return result;
  const { T, B, P } = args.dims;
  writeRows(result.y, 0, T * B, P, into);
  return { ...result, y: into.data };
}

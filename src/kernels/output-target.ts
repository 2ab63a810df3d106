// Output targets (`SequenceForwardArgs.into`): a pass's y rows written into a wider array.
// Backends that can write there themselves do (the WASM backend copies out of its memory
// straight into it); entry.ts places the y of any other into it afterwards.
import { ShapeError } from '../errors.js';
import type { OutputTarget, SequenceForwardArgs, SequenceForwardResult } from './types.js';

/**
 * Copies a pass's T * B rows of `width` values, row r at src[from + r * width], to their
 * rows of the target.
 */
export function writeRows(src: Float32Array, from: number, T: number, B: number, width: number, into: OutputTarget): void {
  const { data, stride, offset, batch } = into;
  const of = batch ? batch.of : B;
  const first = batch ? batch.first : 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const s = from + (t * B + b) * width;
      data.set(src.subarray(s, s + width), (t * of + first + b) * stride + offset);
    }
  }
}

/** The target of rows b0..b0+n-1 of a pass of batch B writing to `into` (a chunk's part of it). */
export function chunkTarget(into: OutputTarget, B: number, b0: number): OutputTarget {
  return { ...into, batch: { first: (into.batch?.first ?? 0) + b0, of: into.batch?.of ?? B } };
}

/** Throws unless `into` can hold the pass's T * B rows of P values. */
export function checkTarget(args: SequenceForwardArgs): void {
  const into = args.into;
  if (!into) return;
  const { T, B, P } = args.dims;
  const { stride, offset, data, batch } = into;
  const of = batch ? batch.of : B;
  const first = batch ? batch.first : 0;
  const ok =
    Number.isInteger(stride) && Number.isInteger(offset) && offset >= 0 && offset + P <= stride &&
    Number.isInteger(of) && Number.isInteger(first) && first >= 0 && first + B <= of && T * of * stride <= data.length;
  if (!ok) {
    const rows = batch ? `rows ${first}..${first + B - 1} of a batch of ${of}` : `${T * B} rows`;
    throw new ShapeError(`sequence forward: the output target (stride ${stride}, offset ${offset}, ${data.length} values) cannot hold ${rows} of ${P} values over ${T} steps; want offset + P <= stride, first + B <= of and T*of*stride <= its length`);
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
  writeRows(result.y, 0, T, B, P, into);
  return { ...result, y: into.data };
}

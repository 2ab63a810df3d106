import type { SequenceForwardArgs, SequenceWeights } from '../types.js';
import { addColumnSums, addRowBias, gemm } from './gemm.js';

/** Time index of processing step s. */
export function timeAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

/** Whether sequence b takes part in step t. */
export function isActive(lengths: Int32Array | null, t: number, b: number): boolean {
  return lengths === null || t < lengths[b]!;
}

/**
 * The input projection for every step at once, hoisted out of the time loop:
 * xg[T*B, G*H] = x W_ih^T + b_ih.
 */
export function inputProjection(args: SequenceForwardArgs, gh: number): Float32Array {
  const { T, B, I } = args.dims;
  const rows = T * B;
  const xg = new Float32Array(rows * gh);
  gemm(false, true, rows, gh, I, 1, args.x, 0, I, args.weights.wIh, 0, I, 0, xg, 0, gh);
  if (args.weights.bIh) addRowBias(xg, rows, gh, args.weights.bIh);
  return xg;
}

/** hg[B, G*H] = h W_hh^T + b_hh for one step. */
export function recurrentProjection(
  h: Float32Array,
  hOff: number,
  w: SequenceWeights,
  B: number,
  P: number,
  gh: number,
  out: Float32Array,
): void {
  gemm(false, true, B, gh, P, 1, h, hOff, P, w.wHh, 0, P, 0, out, 0, gh);
  if (w.bHh) addRowBias(out, B, gh, w.bHh);
}

/**
 * The state before step s: the initial state for s = 0, else the state stored for the
 * previously processed time index. `states` is [T, B, width].
 */
export function stateBefore(
  s: number,
  T: number,
  reverse: boolean,
  initial: Float32Array,
  states: Float32Array,
  rowWidth: number,
): { arr: Float32Array; off: number } {
  if (s === 0) return { arr: initial, off: 0 };
  return { arr: states, off: timeAt(s - 1, T, reverse) * rowWidth };
}

/** Gradients of the hoisted input projection, from dL/d(pre-activations) of every step. */
export function inputProjectionGrads(
  args: SequenceForwardArgs,
  dXG: Float32Array,
  gh: number,
): { dx: Float32Array; dWIh: Float32Array; dBIh: Float32Array | null } {
  const { T, B, I } = args.dims;
  const rows = T * B;
  const dx = new Float32Array(rows * I);
  gemm(false, false, rows, I, gh, 1, dXG, 0, gh, args.weights.wIh, 0, I, 0, dx, 0, I);
  const dWIh = new Float32Array(gh * I);
  gemm(true, false, gh, I, rows, 1, dXG, 0, gh, args.x, 0, I, 0, dWIh, 0, I);
  let dBIh: Float32Array | null = null;
  if (args.weights.bIh) {
    dBIh = new Float32Array(gh);
    addColumnSums(dXG, rows, gh, dBIh);
  }
  return { dx, dWIh, dBIh };
}

/**
 * The recurrent part of one backward step: dW_hh += dA^T h_prev, db_hh += sums of dA,
 * and dhPrevOut = dA W_hh. dA rows of padded sequences are zero, so they add nothing.
 */
export function recurrentStepGrads(
  dA: Float32Array,
  hPrev: Float32Array,
  hPrevOff: number,
  w: SequenceWeights,
  B: number,
  P: number,
  gh: number,
  dWHh: Float32Array,
  dBHh: Float32Array | null,
  dhPrevOut: Float32Array,
): void {
  gemm(true, false, gh, P, B, 1, dA, 0, gh, hPrev, hPrevOff, P, 1, dWHh, 0, P);
  if (dBHh) addColumnSums(dA, B, gh, dBHh);
  gemm(false, false, B, P, gh, 1, dA, 0, gh, w.wHh, 0, P, 0, dhPrevOut, 0, P);
}

/** A writable copy of `src`, or zeros of length n when src is null. */
export function copyOrZeros(src: Float32Array | null, n: number): Float32Array {
  return src ? Float32Array.from(src) : new Float32Array(n);
}

import assert from 'node:assert/strict';
import type { CellMode, SequenceForwardArgs } from '../../src/kernels/types.js';
import { gateCount } from '../../src/kernels/types.js';

/** A small seeded generator (LCG), so every run checks the same numbers. */
export function seeded(seed: number): (scale?: number) => number {
  let s = seed >>> 0;
  return (scale = 1) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  };
}

export interface CaseSpec {
  mode: CellMode;
  T: number;
  B: number;
  I: number;
  H: number;
  /** Projection size (LSTM only), 0 for none. */
  proj: number;
  bias: boolean;
  lengths: boolean;
  reverse: boolean;
  seed: number;
}

/**
 * Small pass shapes the kernel tests share: one step of one unit, odd and even T, batch 1 and
 * more, hidden sizes with a tail of 1-3 units past the SIMD width, and LSTM projection sizes.
 */
export const SMALL_SHAPES: ReadonlyArray<Pick<CaseSpec, 'T' | 'B' | 'I' | 'H' | 'proj'>> = [
  { T: 1, B: 1, I: 1, H: 1, proj: 0 },
  { T: 6, B: 1, I: 3, H: 5, proj: 3 },
  { T: 7, B: 3, I: 3, H: 5, proj: 2 },
  { T: 4, B: 2, I: 17, H: 19, proj: 7 },
];

/** Random inputs and weights for one pass, weights in PyTorch's default range. */
export function makeArgs(c: CaseSpec, saveForBackward = true, trace = true): SequenceForwardArgs {
  const r = seeded(c.seed);
  const P = c.proj > 0 ? c.proj : c.H;
  const G = gateCount(c.mode) * c.H;
  const k = 1 / Math.sqrt(c.H);
  const arr = (n: number, s: number) => Float32Array.from({ length: n }, () => r(s));
  // Unsorted lengths in 1..T, one sequence always full.
  const lengths = c.lengths ? Int32Array.from({ length: c.B }, (_, b) => (b === c.B - 1 ? c.T : 1 + ((b * 7 + c.seed) % c.T))) : null;
  return {
    mode: c.mode,
    dims: { T: c.T, B: c.B, I: c.I, H: c.H, P },
    weights: {
      wIh: arr(G * c.I, k),
      wHh: arr(G * P, k),
      bIh: c.bias ? arr(G, k) : null,
      bHh: c.bias ? arr(G, k) : null,
      wHr: c.proj > 0 ? arr(P * c.H, k) : null,
    },
    x: arr(c.T * c.B * c.I, 1),
    h0: arr(c.B * P, 0.5),
    c0: c.mode === 'lstm' ? arr(c.B * c.H, 0.5) : null,
    lengths,
    reverse: c.reverse,
    saveForBackward,
    trace,
  };
}

/**
 * Asserts |actual - expected| <= tol * max(1, |expected|) element-wise (absolute for small
 * values, relative for large ones), and equal shapes and nullness.
 */
export function assertClose(what: string, actual: Float32Array | null, expected: Float32Array | null, tol: number): void {
  if (expected === null) {
    assert.equal(actual, null, `${what}: expected null`);
    return;
  }
  assert.ok(actual !== null, `${what}: expected values, got null`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: error ${worst} at ${at} (got ${actual[at]}, want ${expected[at]}) > ${tol}`);
}

/** Every array of `SequenceGrads`, so a comparison cannot silently skip one. */
export const GRAD_KEYS = ['dx', 'dh0', 'dc0', 'dWIh', 'dWHh', 'dBIh', 'dBHh', 'dWHr', 'dhSteps'] as const;

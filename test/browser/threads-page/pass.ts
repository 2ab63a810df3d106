// One LSTM forward and backward pass through the backend, sized to be split under the
// default thread policy (T*B*4H*(I+H) = 151M multiply-adds > 2^27; 32 rows = 2 chunks of 16).
import type { Backend } from 'recur';
import type { Comparison } from './protocol.js';

type ForwardArgs = Parameters<Backend['sequenceForward']>[0];
type ForwardResult = ReturnType<Backend['sequenceForward']>;
type Grads = ReturnType<Backend['sequenceBackward']>;

const T = 48, B = 32, I = 64, H = 128;

/** Seeded uniform values in [-scale, scale) (an LCG: every run checks the same numbers). */
function filler(seed: number): (n: number, scale: number) => Float32Array {
  let s = seed >>> 0;
  return (n, scale) =>
    Float32Array.from({ length: n }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return ((s / 2 ** 32) * 2 - 1) * scale;
    });
}

export function lstmArgs(): ForwardArgs {
  const r = filler(7);
  const k = 1 / Math.sqrt(H);
  return {
    mode: 'lstm',
    dims: { T, B, I, H, P: H },
    weights: { wIh: r(4 * H * I, k), wHh: r(4 * H * H, k), bIh: r(4 * H, k), bHh: r(4 * H, k), wHr: null },
    x: r(T * B * I, 1),
    h0: r(B * H, 0.5),
    c0: r(B * H, 0.5),
    lengths: Int32Array.from({ length: B }, (_, b) => (b % 5 === 0 ? T - b : T)),
    reverse: false,
    saveForBackward: true,
    trace: true,
  };
}

export interface PassResult {
  readonly forward: ForwardResult;
  readonly grads: Grads;
  readonly ms: number;
}

export function runPass(backend: Backend, args: ForwardArgs): PassResult {
  const r = filler(11);
  const t0 = performance.now();
  const forward = backend.sequenceForward(args);
  const grads = backend.sequenceBackward({ forward: args, result: forward, dy: r(T * B * H, 1), dhN: r(B * H, 1), dcN: r(B * H, 1), stepGrads: false });
  return { forward, grads, ms: performance.now() - t0 };
}

export function compare(a: Float32Array | null, b: Float32Array | null): Comparison {
  if (a === null || b === null || a.length !== b.length) return { length: -1, identical: a === b, relError: a === b ? 0 : Infinity, maxAbs: 0 };
  let identical = true;
  let diff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) identical = false;
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    maxAbs = Math.max(maxAbs, Math.abs(b[i]!));
  }
  return { length: a.length, identical, relError: maxAbs > 0 ? diff / maxAbs : diff, maxAbs };
}

export function compareForward(a: ForwardResult, b: ForwardResult): Record<string, Comparison> {
  return {
    y: compare(a.y, b.y),
    hN: compare(a.hN, b.hN),
    cN: compare(a.cN, b.cN),
    'trace.gates': compare(a.trace?.gates ?? null, b.trace?.gates ?? null),
    'trace.c': compare(a.trace?.c ?? null, b.trace?.c ?? null),
    'trace.h': compare(a.trace?.h ?? null, b.trace?.h ?? null),
  };
}

export function compareGrads(a: Grads, b: Grads): Record<string, Comparison> {
  const keys = ['dx', 'dh0', 'dc0', 'dWIh', 'dWHh', 'dBIh', 'dBHh'] as const;
  return Object.fromEntries(keys.map((k) => [k, compare(a[k], b[k])]));
}

/** Whether a forward result came back as chunks from several threads (its saved parts). */
export const isSplit = (saved: unknown): boolean =>
  typeof saved === 'object' && saved !== null && Array.isArray((saved as { parts?: unknown }).parts);

/**
 * A batch-1 inference pass (W1's shape), which 2 threads split by hidden units on a shared
 * memory rather than by batch rows.
 */
export function unitArgs(): ForwardArgs {
  const r = filler(9);
  const [T1, I1, H1] = [100, 64, 256];
  const k = 1 / Math.sqrt(H1);
  return {
    mode: 'lstm',
    dims: { T: T1, B: 1, I: I1, H: H1, P: H1 },
    weights: { wIh: r(4 * H1 * I1, k), wHh: r(4 * H1 * H1, k), bIh: r(4 * H1, k), bHh: r(4 * H1, k), wHr: null },
    x: r(T1 * I1, 1),
    h0: r(H1, 0.5),
    c0: r(H1, 0.5),
    lengths: null,
    reverse: false,
    saveForBackward: false,
    trace: false,
  };
}

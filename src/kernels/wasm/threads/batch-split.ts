import type {
  SequenceBackwardArgs,
  SequenceForwardArgs,
  SequenceForwardResult,
  SequenceGrads,
  SequenceTrace,
} from '../../types.js';
import { chunkTarget, withoutTarget, writeRows } from '../../output-target.js';
import type { Chunk, Rows } from './plan.js';

// Splitting one pass across threads by batch rows: sequences are independent, so each
// thread runs the whole time loop on its own rows with no per-step synchronisation. Forward
// values are bit-identical to one thread; weight gradients are sums of per-chunk parts.

/** Rows b0..b1 of a time-major [T, B, w] array, as [T, b1 - b0, w]. */
export function gather(src: Float32Array, T: number, B: number, w: number, c: Rows): Float32Array {
  const n = c.b1 - c.b0;
  const out = new Float32Array(T * n * w);
  for (let t = 0; t < T; t++) out.set(src.subarray((t * B + c.b0) * w, (t * B + c.b1) * w), t * n * w);
  return out;
}

/** Writes [T, b1 - b0, w] back into rows b0..b1 of [T, B, w]. */
export function scatter(part: Float32Array, dst: Float32Array, T: number, B: number, w: number, c: Rows): void {
  const n = c.b1 - c.b0;
  for (let t = 0; t < T; t++) dst.set(part.subarray(t * n * w, (t + 1) * n * w), (t * B + c.b0) * w);
}

/** The forward arguments of rows b0..b1 alone (fresh arrays, to be sent to a worker). */
export function chunkForwardArgs(a: SequenceForwardArgs, c: Chunk): SequenceForwardArgs {
  const { T, B, I, H, P } = a.dims;
  return {
    // A worker's rows go to the pass's output target in mergeForward; this thread's chunk
    // writes its rows there itself.
    ...(a.into && c.worker === null ? { ...a, into: chunkTarget(a.into, B, c.b0) } : withoutTarget(a)),
    dims: { T, B: c.b1 - c.b0, I, H, P },
    x: gather(a.x, T, B, I, c),
    h0: a.h0.slice(c.b0 * P, c.b1 * P),
    c0: a.c0 ? a.c0.slice(c.b0 * H, c.b1 * H) : null,
    lengths: a.lengths ? a.lengths.slice(c.b0, c.b1) : null,
    ...(a.dropout
      ? {
          dropout: {
            input: a.dropout.input ? a.dropout.input.slice(c.b0 * I, c.b1 * I) : null,
            hidden: a.dropout.hidden ? a.dropout.hidden.slice(c.b0 * P, c.b1 * P) : null,
          },
        }
      : {}),
  };
}

/** One chunk of a split pass: its rows and thread, the arguments it ran with, and its result. */
export interface ChunkPass {
  readonly chunk: Chunk;
  readonly args: SequenceForwardArgs;
  readonly result: SequenceForwardResult;
}

/**
 * A split pass's saved state: its chunks, each with the handle of the thread that ran it
 * (`chunk.worker` of `pool`, or the caller), whose backward must run there too.
 */
export interface SplitSaved {
  readonly parts: ChunkPass[];
  readonly pool: object;
}

export const isSplitSaved = (v: unknown): v is SplitSaved => typeof v === 'object' && v !== null && Array.isArray((v as { parts?: unknown }).parts);

/** Joins per-chunk forward results; `saved` keeps the chunks for the backward pass. */
export function mergeForward(a: SequenceForwardArgs, parts: ChunkPass[], pool: object): SequenceForwardResult {
  const { T, B, H, P } = a.dims;
  const into = a.into;
  const y = into ? into.data : new Float32Array(T * B * P);
  const hN = new Float32Array(B * P);
  const cN = a.mode === 'lstm' ? new Float32Array(B * H) : null;
  const first = parts[0]!.result.trace;
  const G = first && first.gates.length > 0 ? first.gates.length / (T * (parts[0]!.chunk.b1 - parts[0]!.chunk.b0)) : 0;
  const tr = first
    ? { gates: new Float32Array(T * B * G), c: first.c ? new Float32Array(T * B * H) : null, h: new Float32Array(T * B * P) }
    : null;
  for (const { chunk, result } of parts) {
    if (!into) scatter(result.y, y, T, B, P, chunk);
    else if (result.y !== into.data) writeRows(result.y, 0, T, chunk.b1 - chunk.b0, P, chunkTarget(into, B, chunk.b0));
    hN.set(result.hN, chunk.b0 * P);
    if (cN && result.cN) cN.set(result.cN, chunk.b0 * H);
    if (tr && result.trace) {
      if (G > 0) scatter(result.trace.gates, tr.gates, T, B, G, chunk);
      if (tr.c && result.trace.c) scatter(result.trace.c, tr.c, T, B, H, chunk);
      scatter(result.trace.h, tr.h, T, B, P, chunk);
    }
  }
  const trace: SequenceTrace | null = tr;
  const saved: SplitSaved | null = a.saveForBackward ? { parts, pool } : null;
  return { y, hN, cN, trace, saved };
}

const EMPTY = new Float32Array(0);
const empty = (a: Float32Array | null): Float32Array | null => (a ? EMPTY : null);

/**
 * A chunk's backward arguments. A worker holds the x and weights of its forward in its
 * saved state, so only their presence goes to it (not 5 MB of copies).
 */
export function chunkBackwardArgs(b: SequenceBackwardArgs, part: ChunkPass): SequenceBackwardArgs {
  const { T, B, H, P } = b.forward.dims;
  const c = part.chunk;
  const remote = c.worker !== null;
  const fa = part.args;
  const w = fa.weights;
  return {
    forward: remote
      ? { ...fa, x: EMPTY, h0: EMPTY, c0: empty(fa.c0), weights: { wIh: EMPTY, wHh: EMPTY, bIh: empty(w.bIh), bHh: empty(w.bHh), wHr: empty(w.wHr) } }
      : fa,
    // Backward reads only the saved handle of the result.
    result: remote ? { y: EMPTY, hN: EMPTY, cN: null, trace: null, saved: part.result.saved } : part.result,
    dy: b.dy ? gather(b.dy, T, B, P, c) : null,
    dhN: b.dhN ? b.dhN.slice(c.b0 * P, c.b1 * P) : null,
    dcN: b.dcN ? b.dcN.slice(c.b0 * H, c.b1 * H) : null,
    stepGrads: b.stepGrads,
  };
}

/** Sums the chunks' arrays into the first one (each pass returns fresh arrays, ours to reuse). */
const sum = (xs: (Float32Array | null)[]): Float32Array | null => {
  const out = xs[0];
  if (!out) return null;
  for (let k = 1; k < xs.length; k++) {
    const x = xs[k]!;
    for (let i = 0; i < out.length; i++) out[i]! += x[i]!;
  }
  return out;
};

/** Joins per-chunk gradients (grads[i] of parts[i]): row-wise ones scattered, weight gradients summed. */
export function mergeBackward(b: SequenceBackwardArgs, parts: ChunkPass[], grads: SequenceGrads[]): SequenceGrads {
  const { T, B, I, H, P } = b.forward.dims;
  const dx = new Float32Array(T * B * I);
  const dh0 = new Float32Array(B * P);
  const dc0 = b.forward.mode === 'lstm' ? new Float32Array(B * H) : null;
  const dhSteps = b.stepGrads ? new Float32Array(T * B * P) : null;
  grads.forEach((g, i) => {
    const c = parts[i]!.chunk;
    scatter(g.dx, dx, T, B, I, c);
    dh0.set(g.dh0, c.b0 * P);
    if (dc0 && g.dc0) dc0.set(g.dc0, c.b0 * H);
    if (dhSteps && g.dhSteps) scatter(g.dhSteps, dhSteps, T, B, P, c);
  });
  return {
    dx,
    dh0,
    dc0,
    dWIh: sum(grads.map((g) => g.dWIh))!,
    dWHh: sum(grads.map((g) => g.dWHh))!,
    dBIh: sum(grads.map((g) => g.dBIh)),
    dBHh: sum(grads.map((g) => g.dBHh)),
    dWHr: sum(grads.map((g) => g.dWHr)),
    dhSteps,
  };
}

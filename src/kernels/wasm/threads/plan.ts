// When and how a pass is split across threads: a pure function of the pass, the thread
// count and the policy (no workers are started here; the runner carries the plan out).
import type { SequenceForwardArgs } from '../../types.js';
import { gateCount } from '../../types.js';

/** When a pass is worth splitting: enough multiply-adds per thread, enough rows per chunk. */
export interface ThreadPolicy {
  /** Multiply-adds of a forward pass below which it stays on one thread. */
  minWork: number;
  /** Fewest batch rows per chunk (the 2-row GEMM tile wants a few). */
  minRows: number;
}

// ~6 ms of single-thread work: below it, copying chunks to workers costs more than it saves.
export const DEFAULT_POLICY: ThreadPolicy = { minWork: 1 << 27, minRows: 4 };

/** Batch rows b0..b1 of a pass. */
export interface Rows {
  readonly b0: number;
  readonly b1: number;
}

/** Rows and the thread that runs them: `worker` is a pool worker's index, null the calling thread. */
export interface Chunk extends Rows {
  readonly worker: number | null;
}

/** What the runner may use: threads (1 where workers are unavailable), and whether hidden-unit splits can run. */
export interface PlanContext {
  readonly threads: number;
  readonly policy: ThreadPolicy;
  readonly units: boolean;
}

export type PassPlan =
  | { readonly strategy: 'single' }
  /** By hidden units on a shared memory (unit-split.ts): the caller and workers 0..threads-2. */
  | { readonly strategy: 'units'; readonly threads: number }
  /** By batch rows (batch-split.ts), each chunk on its thread. */
  | { readonly strategy: 'batch'; readonly chunks: readonly Chunk[] };

/** Independent inference passes: one after another, in groups of at most `size`, or all at once. */
export type ManyPlan =
  | { readonly strategy: 'each' }
  | { readonly strategy: 'groups'; readonly size: number }
  /** Piece i of pass `pass`, on its thread; `whole`: the piece is the whole pass. */
  | { readonly strategy: 'together'; readonly pieces: readonly { readonly pass: number; readonly chunk: Chunk; readonly whole: boolean }[] };

const SINGLE: PassPlan = { strategy: 'single' };

/** Multiply-adds of the recurrent GEMMs of a forward pass. */
export function work(a: SequenceForwardArgs): number {
  const { T, B, I, H, P } = a.dims;
  return T * B * gateCount(a.mode) * H * (I + P);
}

/** Near-equal contiguous row ranges. */
export function rowsOf(B: number, n: number): Rows[] {
  return Array.from({ length: n }, (_, i) => ({ b0: Math.floor((i * B) / n), b1: Math.floor(((i + 1) * B) / n) }));
}

/** Each piece on its own thread: the first on the caller, piece i on worker i - 1. */
const owned = <T>(pieces: readonly T[]): (T & { worker: number | null })[] => pieces.map((p, i) => ({ ...p, worker: i === 0 ? null : i - 1 }));

/** Batch chunks the policy gives `a` on up to `threads` threads (1: do not split). */
function chunkCount(a: SequenceForwardArgs, threads: number, policy: ThreadPolicy): number {
  if (a.variant || work(a) < policy.minWork) return 1;
  return Math.max(1, Math.min(threads, Math.floor(a.dims.B / policy.minRows)));
}

/**
 * Threads (of `threads`) that split `a` by hidden units, each a multiple of 16 units; 1 when
 * it does not qualify (only inference passes without trace, variant, dropout or projection).
 */
export function unitThreads(a: SequenceForwardArgs, threads: number): number {
  if (a.saveForBackward || a.trace || a.variant || a.dropout || a.weights.wHr) return 1;
  const { T, B, H } = a.dims;
  if (T === 0 || B === 0) return 1;
  for (let n = Math.min(threads, H >> 4); n >= 2; n--) if (H % (16 * n) === 0) return n;
  return 1;
}

/**
 * How to run one pass: small batches that batch chunks cannot split go by hidden units
 * (with enough work per call to pay for waking the workers), others by batch rows when the
 * work is large enough, the rest on the calling thread.
 */
export function planPass(a: SequenceForwardArgs, ctx: PlanContext): PassPlan {
  const { threads, policy } = ctx;
  if (threads <= 1) return SINGLE;
  if (ctx.units && a.dims.B < 2 * policy.minRows && work(a) * 32 >= policy.minWork) {
    const n = unitThreads(a, threads);
    if (n > 1) return { strategy: 'units', threads: n };
  }
  const n = chunkCount(a, threads, policy);
  return n > 1 ? { strategy: 'batch', chunks: owned(rowsOf(a.dims.B, n)) } : SINGLE;
}

/**
 * How to run independent inference passes at once: the threads are shared out among them
 * (the two directions of a bidirectional layer each take one of two threads, with all their
 * batch rows: one round trip instead of two, and full-height GEMM tiles), and a pass given
 * more than one thread is split by batch rows.
 */
export function planMany(list: readonly SequenceForwardArgs[], ctx: PlanContext): ManyPlan {
  const { threads, policy } = ctx;
  if (list.length < 2 || threads <= 1) return { strategy: 'each' };
  if (list.some((a) => a.saveForBackward || a.variant)) return { strategy: 'each' };
  if (list.length > threads) return { strategy: 'groups', size: threads };
  if (list.reduce((s, a) => s + work(a), 0) < policy.minWork) return { strategy: 'each' };
  const share = Math.floor(threads / list.length);
  const pieces = list.flatMap((a, pass) => {
    const n = chunkCount(a, share, policy);
    return rowsOf(a.dims.B, n).map((rows) => ({ pass, rows, whole: n === 1 }));
  });
  return { strategy: 'together', pieces: owned(pieces).map(({ pass, rows, whole, worker }) => ({ pass, whole, chunk: { ...rows, worker } })) };
}

/** Workers a plan's chunks need (the caller runs the one without a worker). */
export const workersOf = (chunks: readonly Chunk[]): number => chunks.filter((c) => c.worker !== null).length;

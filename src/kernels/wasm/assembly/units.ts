// One thread's share of an inference pass split by hidden units (batch 1-7, where batch
// chunks cannot split): at batch 1 each step is a matrix-vector product that streams all
// of W_hh (1 MB at hidden 256) for one row, so two threads each streaming their own half
// halve the step. Threads share one memory (the shared build, shared.ts): every thread
// reads the whole h_{t-1}, computes the gates of its own units and writes their slice of
// h_t, then waits at a barrier before the next step.
import { gemm, pack, sameBits, setStaging } from './gemm';
import { gruRow, lstmRow, rnnRow } from './cells';
import { active, gatesOf, GRU, LSTM, RNN_RELU } from './sequence';

// Waits until `count` threads have arrived. It spins first (the wait is normally the other
// thread's step, microseconds), then sleeps 1 ms at a time (a worker still loading, or
// descheduled). False after 30 s at one barrier (a thread stopped answering), or when the
// caller wrote ABORT into the counter (its staging failed).
const ABORT: i32 = 0x40000000;
@inline function arrive(sync: usize, count: i32): bool {
  atomic.add<i32>(sync, 1);
  atomic.notify(sync);
  let now = atomic.load<i32>(sync);
  for (let i = 0; i < 1 << 16 && now < count; i++) now = atomic.load<i32>(sync);
  for (let slept = 0; now < count; slept++) {
    if (slept == 30000) return false;
    memory.atomic.wait32(sync, now, 1000000);
    now = atomic.load<i32>(sync);
  }
  return now < ABORT;
}

/**
 * Packs this thread's columns of a [G, K] PyTorch weight (rows = gate outputs) as a
 * K x (gates * Hj) operand: units u0..u0+Hj of each gate in turn (Hj a multiple of 16).
 */
function packSlice(w: usize, K: i32, H: i32, gates: i32, u0: i32, Hj: i32, dst: usize): void {
  const panelBytes = <usize>(Hj >> 4) * <usize>K * 64;
  for (let q = 0; q < gates; q++) {
    pack(w + ((<usize>(q * H + u0) * <usize>K) << 2), 1, K, K, Hj, dst + <usize>q * panelBytes);
  }
}

// This thread's rows of a [G, K] weight (units u0..u0+Hj of each gate) are the bits in
// `kept`: compares them and copies the new ones over; true when they were unchanged.
function keepRows(w: usize, kept: usize, K: i32, H: i32, gates: i32, u0: i32, Hj: i32): bool {
  let same = true;
  const bytes = <usize>Hj * <usize>K << 2;
  for (let q = 0; q < gates; q++) {
    const o = <usize>(q * H + u0) * <usize>K << 2;
    if (!sameBits(w + o, kept + o, Hj * K)) {
      memory.copy(kept + o, w + o, bytes);
      same = false;
    }
  }
  return same;
}

/**
 * Thread `u0 / Hj`'s share of a forward pass without saving, on units u0..u0+Hj (Hj a
 * multiple of 16). Waits first until the caller has staged the inputs (a worker starts
 * this while the caller copies them in). The raw weights wih [G, I], whh [G, H] are
 * compared with the bits in wihK, whhK (this thread's rows only): when they differ, or
 * with fresh != 0, its slices are packed into wihP, whhP, else those hold them from an
 * earlier call. bias [gates*Hj] is this slice's input bias (b_ih + b_hh, GRU b_ih), bhh the
 * GRU's b_hh slice (or 0). x [T, B, I]; hs, cs [(T+1), B, H] hold the initial state in slot
 * 0 (forward) or T (reverse); y [T, B, H]. Scratch of this thread: xg [T, B, G'], hg, g
 * [B, G'], hn [B, Hj], staging (320 bytes, gemm's). sync: an i32 barrier counter, 0 before
 * any thread starts, shared by the `threads` threads. Returns 0, or 1 when another thread
 * stopped answering at a barrier or the caller aborted.
 */
export function forwardUnits(
  mode: i32, T: i32, B: i32, I: i32, H: i32, u0: i32, Hj: i32,
  x: usize, wih: usize, whh: usize, bias: usize, bhh: usize,
  fresh: i32, wihK: usize, whhK: usize, wihP: usize, whhP: usize,
  hs: usize, cs: usize, y: usize, lens: usize, rev: i32,
  xg: usize, hg: usize, g: usize, hn: usize, staging: usize, sync: usize, threads: i32,
): i32 {
  const gates = gatesOf(mode, 1);
  const Gj = gates * Hj;
  // gemm's staging is static data: with K > 256 its odd rows add partial sums through it.
  setStaging(staging);
  if (!arrive(sync, threads)) return 1;
  // Both compared (and kept) whatever the first says: the next call compares against them.
  const sameIh = keepRows(wih, wihK, I, H, gates, u0, Hj);
  const sameHh = keepRows(whh, whhK, H, H, gates, u0, Hj);
  if (fresh || !sameIh || !sameHh) {
    packSlice(wih, I, H, gates, u0, Hj, wihP);
    packSlice(whh, H, H, gates, u0, Hj, whhP);
  }
  gemm(x, I, T * B, I, wihP, Gj, xg, Gj, bias, 0);
  const hRow = <usize>H << 2;
  const uOff = <usize>u0 << 2;
  const uBytes = <usize>Hj << 2;
  const gRow = <usize>Gj << 2;
  for (let s = 0; s < T; s++) {
    const t = rev ? T - 1 - s : s;
    const prev = <usize>(rev ? t + 1 : t) * <usize>B;
    const cur = <usize>(rev ? t : t + 1) * <usize>B;
    gemm(hs + prev * hRow, H, B, H, whhP, Gj, hg, Gj, bhh, 0);
    for (let b = 0; b < B; b++) {
      const row = <usize>t * <usize>B + <usize>b;
      const hp = hs + (prev + b) * hRow + uOff;
      const hc = hs + (cur + b) * hRow + uOff;
      const yr = y + row * hRow + uOff;
      if (!active(lens, t, b)) {
        // Padded step: state held, output 0.
        memory.copy(hc, hp, uBytes);
        if (mode == LSTM) memory.copy(cs + (cur + b) * hRow + uOff, cs + (prev + b) * hRow + uOff, uBytes);
        memory.fill(yr, 0, uBytes);
        continue;
      }
      const xr = xg + row * gRow;
      const rr = hg + <usize>b * gRow;
      if (mode == LSTM) {
        lstmRow(xr, rr, cs + (prev + b) * hRow + uOff, cs + (cur + b) * hRow + uOff, g + <usize>b * gRow, hc, Hj, false);
      } else if (mode == GRU) {
        gruRow(xr, rr, hp, g + <usize>b * gRow, hn + <usize>b * uBytes, hc, Hj);
      } else {
        rnnRow(xr, rr, hc, Hj, mode == RNN_RELU);
      }
      memory.copy(yr, hc, uBytes);
    }
    // Every slice of h_t is written before any thread reads h_t.
    if (!arrive(sync, (s + 2) * threads)) return 1;
  }
  return 0;
}

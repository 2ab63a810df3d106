import { ShapeError } from '../../errors.js';
import type { SequenceForwardArgs, SequenceForwardResult, SequenceTrace } from '../types.js';
import { gateCount } from '../types.js';
import type { Arena } from './arena.js';
import { writeRows } from '../output-target.js';
import { callForward, foldedInputBias, packedFloats, recurrentBias, round16 } from './calls.js';
import type { KernelExports } from './module.js';
import type { PackCache, PackEntry } from './pack-cache.js';
import type { SavedStore } from './saved.js';

/** The most input projections computed before the time loop (4 MB). */
const UPFRONT_MAX_FLOATS = 1 << 20;

/**
 * A whole-sequence forward pass on the WASM kernels (T >= 1). With saveForBackward, what
 * backward reads (states, gates, and the x and weights used) is written into a block the
 * store keeps, and `saved` is its handle; `track` lets the store free it when the handle is
 * collected (a worker's handles are tracked by the thread that holds them instead).
 */
export function wasmForward(
  k: KernelExports,
  arena: Arena,
  store: SavedStore,
  cache: PackCache | null,
  args: SequenceForwardArgs,
  track: boolean,
): SequenceForwardResult {
  const { mode, weights: w, reverse } = args;
  const { T, B, I, H, P } = args.dims;
  const G = gateCount(mode) * H;
  const TB = T * B;
  const lstm = mode === 'lstm';
  const gated = lstm || mode === 'gru';
  const save = args.saveForBackward || args.trace;
  const proj = lstm && w.wHr !== null;
  const bias = foldedInputBias(mode, w.bIh, w.bHh);
  const bhh = recurrentBias(mode, w.bHh);
  // Checked before anything is kept or taken, so a bad mask leaves no block behind.
  const inMask = args.dropout?.input ?? null;
  const hidMask = args.dropout?.hidden ?? null;
  if (inMask && inMask.length !== B * I) throw new ShapeError(`wasm forward: dropout.input has ${inMask.length} values, want B*I = ${B * I}`);
  if (hidMask && hidMask.length !== B * P) throw new ShapeError(`wasm forward: dropout.hidden has ${hidMask.length} values, want B*P = ${B * P}`);

  const kept = args.saveForBackward
    ? store.keep(
        {
          x: TB * I, wIh: G * I, wHh: G * P, wHr: proj ? P * H : 0,
          hs: (T + 1) * B * P, cs: lstm ? (T + 1) * B * H : 0, gates: gated ? TB * G : 0,
          hn: mode === 'gru' ? TB * H : 0, m: proj ? TB * H : 0,
        },
        track,
      )
    : null;
  const at = kept?.layout;
  // Packed weights from the last call with the same weights (null: pack into scratch).
  cache?.beginCall();
  const cIh = cache?.reserve(w.wIh, 1, I, I, G) ?? null;
  const cHh = cache?.reserve(w.wHh, 1, P, P, G) ?? null;
  const cHr = proj && cache ? cache.reserve(w.wHr!, 1, H, H, P) : null;
  // Compared where they are (Node): unchanged weights are not copied in at all, and a save
  // borrows the kept bits (pack-cache.ts) instead of copying them.
  const sameIh = cIh !== null && cache!.matches(cIh, w.wIh);
  const sameHh = cHh !== null && cache!.matches(cHh, w.wHh);
  const knownDifferent = cache?.comparesInPlace ?? false;

  arena.begin();
  const pX = at ? at.x : arena.take(TB * I);
  const pWih = at ? at.wIh : arena.take(G * I);
  const pWihP = cIh ? 0 : arena.take(packedFloats(I, G));
  const pBias = bias ? arena.take(round16(G)) : 0;
  // One step's input projections: the time loop makes them step by step from x, so the
  // [T, B, G] of them never go through memory. At batch 1-2 a step's is a matrix-vector
  // product streaming all of W_ih: there one product over all steps first is faster (W1:
  // 2.27 ms against 2.53, measured), with the same sums bit for bit (gemm's rows do not
  // depend on the rows beside them).
  const upfront = B <= 2 && TB * G <= UPFRONT_MAX_FLOATS;
  const pXg = arena.take((upfront ? TB : B) * G);
  const pWhh = at ? at.wHh : arena.take(G * P);
  const pWhhP = cHh ? 0 : arena.take(packedFloats(P, G));
  const pBhh = bhh ? arena.take(round16(G)) : 0;
  const pWhr = proj ? (at ? at.wHr : arena.take(P * H)) : 0;
  const pWhrP = proj && !cHr ? arena.take(packedFloats(H, P)) : 0;
  const pHs = at ? at.hs : arena.take((T + 1) * B * P);
  // Without saving, the time loop keeps two cell-state slots in turn (assembly/sequence.ts).
  const pCs = lstm ? (at ? at.cs : arena.take((save ? T + 1 : 2) * B * H)) : 0;
  const cInit = save ? (reverse ? T : 0) : 0;
  const cLast = save ? (reverse ? 0 : T) : T & 1;
  const pGates = gated ? (at ? at.gates : arena.take((save ? TB : B) * G)) : 0;
  const pHn = mode === 'gru' ? (at ? at.hn : arena.take((save ? TB : B) * H)) : 0;
  const pM = proj && save ? (at ? at.m : arena.take(TB * H)) : 0;
  // Outputs are the states of slots 1..T (0..T-1 reversed) unless padding zeroes some or a
  // projection makes them: then read from there, not copied inside the loop.
  const yFromStates = !args.lengths && !proj;
  const pY = yFromStates ? 0 : arena.take(TB * P);
  const pLens = args.lengths ? arena.take(B) : 0;
  const pHg = arena.take(B * G);
  const pMb = proj ? arena.take(B * H) : 0;
  const pPb = proj ? arena.take(B * P) : 0;
  const pInMask = inMask ? arena.take(B * I) : 0;
  const pHidMask = hidMask ? arena.take(B * P) : 0;
  const pHm = hidMask ? arena.take(B * P) : 0;
  const mem = arena.commit();

  const f = (ptr: number): number => ptr >> 2;
  mem.set(args.x.subarray(0, TB * I), f(pX));
  // Recurrent dropout on the input: the x kept for backward is the masked one, as dW_ih reads it.
  if (inMask) {
    mem.set(inMask.subarray(0, B * I), f(pInMask));
    k.maskRows(pX, T, B, I, pInMask, pX);
  }
  if (hidMask) mem.set(hidMask.subarray(0, B * P), f(pHidMask));
  if (!sameIh) mem.set(w.wIh, f(pWih));
  if (!sameHh) mem.set(w.wHh, f(pWhh));
  if (bias) mem.set(bias, f(pBias));
  if (bhh) mem.set(bhh, f(pBhh));
  if (proj) mem.set(w.wHr!, f(pWhr));
  const initSlot = reverse ? T : 0;
  mem.set(args.h0.subarray(0, B * P), f(pHs) + initSlot * B * P);
  if (lstm) {
    if (args.c0) mem.set(args.c0.subarray(0, B * H), f(pCs) + cInit * B * H);
    else mem.fill(0, f(pCs) + cInit * B * H, f(pCs) + (cInit + 1) * B * H);
  }
  if (args.lengths) arena.setInt32(pLens, args.lengths);

  // Packing is O(weights), against O(T * B * weights) for the pass, but at batch 1 packing
  // W_hh costs as much as many steps: the cache skips it when the weights are unchanged.
  // `same`: what `matches` said (null: not asked); a no from an in-place compare means changed.
  const packed = (e: PackEntry | null, same: boolean | null, src: number, ks: number, ns: number, K: number, N: number, dst: number): number => {
    if (same) return e!.packed;
    if (e) return cache!.refresh(k, e, src, same === false && knownDifferent);
    k.pack(src, ks, ns, K, N, dst);
    return dst;
  };
  const wihP = packed(cIh, sameIh, pWih, 1, I, I, G, pWihP);
  // One array as both W_ih and W_hh (I == P) shares a block, just refreshed above.
  const whhP = cHh !== null && cHh.block === cIh?.block ? wihP : packed(cHh, sameHh, pWhh, 1, P, P, G, pWhhP);
  // The saved weights are the bits of these generations: backward's panels of them are
  // reused while the cache still holds them. Weights not copied in are borrowed.
  if (kept && cIh && cHh) {
    kept.entry.gens = { wIh: cIh.block.gen, wHh: cHh.block.gen };
    if (sameIh) store.borrow(kept.handle, 'wIh', cache!, cIh.block);
    if (sameHh) store.borrow(kept.handle, 'wHh', cache!, cHh.block);
  }
  const whrP = proj ? packed(cHr, null, pWhr, 1, H, H, P, pWhrP) : 0;
  if (upfront) k.gemm(pX, I, TB, I, wihP, G, pXg, G, pBias, 0);
  callForward(k, {
    mode, T, B, H, P, xg: pXg, ...(upfront ? {} : { input: { x: pX, I, wihPacked: wihP, bias: pBias } }), whhPacked: whhP, bhh: pBhh, whrPacked: whrP,
    hs: pHs, cs: pCs, gates: pGates, hn: pHn, m: pM, save,
    y: pY, lengths: pLens, reverse, hg: pHg, mb: pMb, pb: pPb, hiddenMask: pHidMask, maskedH: pHm,
  });

  const view = arena.f32();
  const copy = (ptr: number, n: number): Float32Array => view.slice(f(ptr), f(ptr) + n);
  const lastSlot = reverse ? 0 : T;
  const yAt = yFromStates ? pHs + (reverse ? 0 : B * P * 4) : pY;
  // With an output target, the rows go straight there (no array of this pass's own).
  if (args.into) writeRows(view, f(yAt), T, B, P, args.into);
  const y = args.into ? args.into.data : copy(yAt, TB * P);
  const hN = copy(pHs + lastSlot * B * P * 4, B * P);
  const cN = lstm ? copy(pCs + cLast * B * H * 4, B * H) : null;
  // The T per-step states are the slots other than the initial one. Standalone arrays
  // (not views with an offset), like the reference's.
  const first = reverse ? 0 : 1;
  const trace: SequenceTrace | null = args.trace
    ? {
        gates: gated ? copy(pGates, TB * G) : new Float32Array(0),
        c: lstm ? copy(pCs + first * B * H * 4, T * B * H) : null,
        h: copy(pHs + first * B * P * 4, T * B * P),
      }
    : null;
  return { y, hN, cN, trace, saved: kept ? kept.handle : null };
}

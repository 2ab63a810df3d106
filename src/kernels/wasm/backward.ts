import { RecurError } from '../../errors.js';
import type { SequenceBackwardArgs, SequenceGrads } from '../types.js';
import { gateCount } from '../types.js';
import type { Arena } from './arena.js';
import { callBackward, packedFloats } from './calls.js';
import type { KernelExports } from './module.js';
import type { PackCache } from './pack-cache.js';
import { freedError, isHeldSave, isSavedHandle, type SavedArrays, type SavedLayout, type SavedStore, type WeightGens } from './saved.js';

/**
 * BPTT on the WASM kernels. The time loop yields dL/d(pre-activations) of every step; the
 * weight gradients then come from a few whole-sequence GEMMs (dW = dA^T [inputs]) instead of
 * T small ones, since padded steps have dA = 0 and add nothing. The x and weights are the
 * ones the forward saved (args.forward's arrays are not read: a worker gets them empty).
 */
export function wasmBackward(k: KernelExports, arena: Arena, store: SavedStore, cache: PackCache | null, args: SequenceBackwardArgs): SequenceGrads {
  const fa = args.forward;
  const { mode, weights: w, reverse } = fa;
  const { T, B, I, H, P } = fa.dims;
  const saved = args.result.saved;
  // Before the lookup: the blocks it lends this call must not be evicted by the call's own keeps.
  cache?.beginCall();
  // Resident parts are read where the forward wrote them; moved-out and held ones are copied in.
  let found: ({ layout: SavedLayout } | { arrays: SavedArrays }) & { gens: WeightGens | null };
  if (isHeldSave(saved)) {
    if (!saved.arrays) throw freedError();
    found = { arrays: saved.arrays, gens: null };
  } else if (isSavedHandle(saved)) found = store.lookup(saved);
  else throw new RecurError('E_STATE', 'wasm backward: this result was not made by a wasm forward pass with saveForBackward');
  const at: SavedLayout | null = 'layout' in found ? found.layout : null;
  const arrays: SavedArrays | null = 'arrays' in found ? found.arrays : null;
  const G = gateCount(mode) * H;
  const TB = T * B;
  const lstm = mode === 'lstm';
  const gru = mode === 'gru';
  const gated = lstm || gru;
  const proj = lstm && w.wHr !== null;

  // W_hh and W_ih as backward's operands, kept while the saved bits' generation is cached.
  const gens = cache ? found.gens : null;
  const whhT = gens ? cache!.derived(w.wHh, gens.wHh, P, 1, G, P) : null;
  const wihB = gens ? cache!.derived(w.wIh, gens.wIh, I, 1, G, I) : null;

  arena.begin();
  const part = (key: keyof SavedLayout, floats: number, present: boolean): number => (!present ? 0 : at ? at[key] : arena.take(floats));
  const pGates = part('gates', TB * G, gated);
  const pHs = part('hs', (T + 1) * B * P, true);
  const pCs = part('cs', (T + 1) * B * H, lstm);
  const pHn = part('hn', TB * H, gru);
  const pM = part('m', TB * H, proj);
  const pDy = args.dy ? arena.take(TB * P) : 0;
  const pDh = arena.take(B * P);
  const pDc = lstm ? arena.take(B * H) : 0;
  const pDxg = arena.take(TB * G);
  const pDhg = gru ? arena.take(TB * G) : 0;
  const pDhAct = proj ? arena.take(TB * P) : 0;
  const pSteps = args.stepGrads ? arena.take(TB * P) : 0;
  const pLens = fa.lengths ? arena.take(B) : 0;
  const pWhh = part('wHh', G * P, true);
  const pWhhT = whhT ? whhT.block.ptr : arena.take(packedFloats(G, P));
  const pWhr = part('wHr', P * H, proj);
  const pWhrT = proj ? arena.take(packedFloats(P, H)) : 0;
  const pDm = proj ? arena.take(B * H) : 0;
  const pDhp = arena.take(B * P);
  const pDirect = gru ? arena.take(B * H) : 0;
  // After the loop.
  const pWih = part('wIh', G * I, true);
  const pWihB = wihB ? wihB.block.ptr : arena.take(packedFloats(G, I));
  const pDx = arena.take(TB * I);
  const pX = part('x', TB * I, true);
  const pXP = arena.take(packedFloats(TB, I));
  const pDxgT = arena.take(G * TB);
  const pDhgT = gru ? arena.take(G * TB) : 0;
  const pHP = arena.take(packedFloats(TB, P));
  const pDWih = arena.take(G * I);
  const pDWhh = arena.take(G * P);
  const pDhActT = proj ? arena.take(P * TB) : 0;
  const pMP = proj ? arena.take(packedFloats(TB, H)) : 0;
  const pDWhr = proj ? arena.take(P * H) : 0;
  const pDBih = w.bIh ? arena.take(G) : 0;
  const pDBhh = w.bHh ? arena.take(G) : 0;
  const inMask = fa.dropout?.input ?? null;
  const hidMask = fa.dropout?.hidden ?? null;
  const pInMask = inMask ? arena.take(B * I) : 0;
  const pHidMask = hidMask ? arena.take(B * P) : 0;
  const pHsMasked = hidMask ? arena.take(TB * P) : 0;
  const mem = arena.commit();

  const f = (ptr: number): number => ptr >> 2;
  if (arrays) {
    if (arrays.gates) mem.set(arrays.gates, f(pGates));
    mem.set(arrays.hs, f(pHs));
    if (arrays.cs) mem.set(arrays.cs, f(pCs));
    if (arrays.hn) mem.set(arrays.hn, f(pHn));
    if (arrays.m) mem.set(arrays.m, f(pM));
    mem.set(arrays.wHh, f(pWhh));
    if (arrays.wHr) mem.set(arrays.wHr, f(pWhr));
    mem.set(arrays.wIh, f(pWih));
    mem.set(arrays.x, f(pX));
  }
  if (args.dy) mem.set(args.dy.subarray(0, TB * P), f(pDy));
  if (args.dhN) mem.set(args.dhN.subarray(0, B * P), f(pDh));
  else mem.fill(0, f(pDh), f(pDh) + B * P);
  if (lstm) {
    if (args.dcN) mem.set(args.dcN.subarray(0, B * H), f(pDc));
    else mem.fill(0, f(pDc), f(pDc) + B * H);
  }
  if (fa.lengths) arena.setInt32(pLens, fa.lengths);
  // Gradients to add into (the parameters' existing .grad): loaded here, the GEMMs accumulate.
  const into = args.accumulateInto ?? {};
  const target = (t: Float32Array | null | undefined, n: number): Float32Array | null => (t && t.length === n ? t : null);
  const tWih = target(into.dWIh, G * I);
  const tWhh = target(into.dWHh, G * P);
  const tWhr = proj ? target(into.dWHr, P * H) : null;
  if (tWih) mem.set(tWih, f(pDWih));
  if (tWhh) mem.set(tWhh, f(pDWhh));
  if (tWhr) mem.set(tWhr, f(pDWhr));
  if (inMask) mem.set(inMask.subarray(0, B * I), f(pInMask));
  if (hidMask) mem.set(hidMask.subarray(0, B * P), f(pHidMask));

  // (k, n) operands: dh_prev = dA W_hh (k over G), dm = dh W_hr (k over P).
  if (!whhT?.ready) k.pack(pWhh, P, 1, G, P, pWhhT);
  if (whhT && !whhT.ready) cache!.filled(whhT.block, gens!.wHh);
  if (proj) k.pack(pWhr, H, 1, P, H, pWhrT);
  callBackward(k, {
    mode, T, B, H, P, gates: pGates, hs: pHs, cs: pCs, hn: pHn, dy: pDy,
    dh: pDh, dc: pDc, dxg: pDxg, dhg: pDhg, dhAct: pDhAct, dhSteps: pSteps,
    lengths: pLens, reverse, whhT: pWhhT, whrT: pWhrT, dm: pDm, dhp: pDhp, dDirect: pDirect, hiddenMask: pHidMask,
  });
  // dx = dXG W_ih; dW_ih = dXG^T x; dW_hh = dHG^T h_prev; dW_hr = dh^T m.
  if (!wihB?.ready) k.pack(pWih, I, 1, G, I, pWihB);
  if (wihB && !wihB.ready) cache!.filled(wihB.block, gens!.wIh);
  k.gemm(pDxg, G, TB, G, pWihB, I, pDx, I, 0, 0);
  if (inMask) k.maskRows(pDx, T, B, I, pInMask, pDx);
  k.transpose(pDxg, TB, G, pDxgT);
  k.pack(pX, I, 1, TB, I, pXP);
  k.gemm(pDxgT, TB, G, TB, pXP, I, pDWih, I, 0, tWih ? 1 : 0);
  const pRecT = gru ? pDhgT : pDxgT;
  if (gru) k.transpose(pDhg, TB, G, pDhgT);
  // The T previous states are contiguous: slots 0..T-1 forward, 1..T reverse. W_hh saw
  // them through the dropout mask.
  let pPrev = pHs + (reverse ? B * P * 4 : 0);
  if (hidMask) {
    k.maskRows(pPrev, T, B, P, pHidMask, pHsMasked);
    pPrev = pHsMasked;
  }
  k.pack(pPrev, P, 1, TB, P, pHP);
  k.gemm(pRecT, TB, G, TB, pHP, P, pDWhh, P, 0, tWhh ? 1 : 0);
  if (proj) {
    k.transpose(pDhAct, TB, P, pDhActT);
    k.pack(pM, H, 1, TB, H, pMP);
    k.gemm(pDhActT, TB, P, TB, pMP, H, pDWhr, H, 0, tWhr ? 1 : 0);
  }
  if (pDBih) k.colsum(pDxg, TB, G, pDBih);
  if (pDBhh) k.colsum(gru ? pDhg : pDxg, TB, G, pDBhh);

  const view = arena.f32();
  const copy = (ptr: number, n: number): Float32Array => view.slice(f(ptr), f(ptr) + n);
  const out = (t: Float32Array | null, ptr: number, n: number): Float32Array => {
    if (!t) return copy(ptr, n);
    t.set(view.subarray(f(ptr), f(ptr) + n));
    return t;
  };
  const addOut = (t: Float32Array | null | undefined, ptr: number, n: number): Float32Array => {
    const dst = target(t, n);
    if (!dst) return copy(ptr, n);
    for (let i = 0, o = f(ptr); i < n; i++) dst[i]! += view[o + i]!;
    return dst;
  };
  return {
    dx: copy(pDx, TB * I),
    dh0: copy(pDh, B * P),
    dc0: lstm ? copy(pDc, B * H) : null,
    dWIh: out(tWih, pDWih, G * I),
    dWHh: out(tWhh, pDWhh, G * P),
    dBIh: pDBih ? addOut(into.dBIh, pDBih, G) : null,
    dBHh: pDBhh ? addOut(into.dBHh, pDBhh, G) : null,
    dWHr: proj ? out(tWhr, pDWhr, P * H) : null,
    dhSteps: pSteps ? copy(pSteps, TB * P) : null,
  };
}

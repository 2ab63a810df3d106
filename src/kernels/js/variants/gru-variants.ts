import type { CellVariant, GemmFn, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, VariantSequenceGrads } from '../../types.js';
import { sigmoid } from '../activations.js';
import { addColumnSums, gemm } from '../gemm.js';
import { copyOrZeros, isActive, stateBefore, timeAt } from '../sequence.js';
import {
  clipValue,
  inputSide,
  inputSideGrads,
  maskedHidden,
  recurrentGrads,
  recurrentSide,
  recurrentSideGrads,
  zoneAt,
  type InputSide,
} from './projections.js';

/**
 * GRU with the variants, gate order r, z, n as PyTorch. With a = LN_ih(x~ W_ih^T) + b_ih and
 * u = LN_hh(h~ W_hh^T) + b_hh (x~, h~ dropout-masked; LN optional):
 *   r = s(clip(a_r + u_r)),  z = s(clip(a_z + u_z))
 *   reset after  (PyTorch, ONNX linear_before_reset=1): n = tanh(clip(a_n + r * u_n))
 *   reset before (ONNX linear_before_reset=0, Keras reset_after=False):
 *                 n = tanh(clip(a_n + (r * h~) W_hn^T + b_hn))
 *   h~_t = (1 - z) n + z h_{t-1},  h_t = d h_{t-1} + (1 - d) h~_t  (zoneout; d = 0 without)
 * Layer norm needs the whole u before r is known, so it is defined for the reset-after form only.
 */

interface Saved {
  side: InputSide;
  pre: Float32Array; // [T, B, 3H] pre-activations before clipping
  gates: Float32Array; // [T, B, 3H] r, z, n
  hnAll: Float32Array; // [T, B, H] u_n (reset after) that r scales
  hs: Float32Array; // [T, B, H]
  hhXhat: Float32Array | null;
  hhRstd: Float32Array | null;
}

const passes = (a: number, clip: number): number => (a > clip || a < -clip ? 0 : 1);

export function gruVariantForward(args: SequenceForwardArgs, v: CellVariant, mm: GemmFn = gemm): SequenceForwardResult {
  const { T, B, H } = args.dims;
  const { lengths, reverse, weights } = args;
  const G = 3 * H;
  const rows = v.resetAfter ? G : 2 * H;
  const side = inputSide(args, v, G, mm);
  const xg = side.xg;
  const pre = new Float32Array(T * B * G);
  const gates = new Float32Array(T * B * G);
  const hnAll = new Float32Array(T * B * H);
  const hs = new Float32Array(T * B * H);
  const y = new Float32Array(T * B * H);
  const hhXhat = v.layerNorm ? new Float32Array(T * B * G) : null;
  const hhRstd = v.layerNorm ? new Float32Array(T * B) : null;
  const hg = new Float32Array(B * G);
  const hm = new Float32Array(B * H);
  const rh = new Float32Array(B * H);
  const hnB = new Float32Array(B * H);
  const { clip, zoneout: zo } = v;

  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, args.h0, hs, B * H);
    recurrentSide(maskedHidden(hPrev.arr, hPrev.off, v.hiddenMask, B * H, hm), weights, v, B, H, G, rows, hg, t, hhXhat, hhRstd, mm);
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      for (let j = 0; j < H; j++) {
        const go = row * G;
        const ar = xg[go + j]! + hg[b * G + j]!;
        const az = xg[go + H + j]! + hg[b * G + H + j]!;
        const r = sigmoid(clipValue(ar, clip));
        pre[go + j] = ar;
        pre[go + H + j] = az;
        gates[go + j] = r;
        gates[go + H + j] = sigmoid(clipValue(az, clip));
        rh[b * H + j] = isActive(lengths, t, b) ? r * hm[b * H + j]! : 0;
      }
    }
    if (!v.resetAfter) {
      // The reset gate acts on h before the product, so this product waits for r.
      mm(false, true, B, H, H, 1, rh, 0, H, weights.wHh, 2 * H * H, H, 0, hnB, 0, H);
      if (weights.bHh) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) hnB[b * H + j]! += weights.bHh[2 * H + j]!;
    }
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const hp = hPrev.off + b * H;
      if (!isActive(lengths, t, b)) {
        gates.fill(0, row * G, (row + 1) * G);
        hs.set(hPrev.arr.subarray(hp, hp + H), row * H);
        continue;
      }
      const go = row * G;
      for (let j = 0; j < H; j++) {
        const r = gates[go + j]!;
        const z = gates[go + H + j]!;
        const un = hg[b * G + 2 * H + j]!;
        const an = xg[go + 2 * H + j]! + (v.resetAfter ? r * un : hnB[b * H + j]!);
        const n = Math.tanh(clipValue(an, clip));
        pre[go + 2 * H + j] = an;
        gates[go + 2 * H + j] = n;
        hnAll[row * H + j] = un;
        const k = row * H + j;
        const d = zo ? zoneAt(zo.h, zo.p, k) : 0;
        const hPrevJ = hPrev.arr[hp + j]!;
        hs[k] = y[k] = d * hPrevJ + (1 - d) * ((1 - z) * n + z * hPrevJ);
      }
    }
  }
  const last = T === 0 ? null : timeAt(T - 1, T, reverse);
  const hN = last === null ? Float32Array.from(args.h0) : hs.slice(last * B * H, (last + 1) * B * H);
  const saved: Saved | null = args.saveForBackward ? { side, pre, gates, hnAll, hs, hhXhat, hhRstd } : null;
  return { y, hN, cN: null, saved, trace: args.trace ? { gates, c: null, h: hs } : null };
}

/** Backpropagation through time for `gruVariantForward`. */
export function gruVariantBackward(args: SequenceBackwardArgs, v: CellVariant, mm: GemmFn = gemm): VariantSequenceGrads {
  const fa = args.forward;
  const { T, B, H } = fa.dims;
  const { lengths, reverse, weights } = fa;
  const G = 3 * H;
  const rows = v.resetAfter ? G : 2 * H;
  const sv = args.result.saved as Saved;
  const { pre, gates, hnAll, hs } = sv;
  const { clip, zoneout: zo } = v;

  const dXG = new Float32Array(T * B * G);
  const dHG = new Float32Array(B * G);
  const dh = copyOrZeros(args.dhN, B * H);
  const dhNext = new Float32Array(B * H);
  const hm = new Float32Array(B * H);
  const dhm = new Float32Array(B * H);
  const rh = new Float32Array(B * H);
  const dan = new Float32Array(B * H);
  const drh = new Float32Array(B * H);
  const acc = recurrentGrads(weights, v, G, H);
  const dhSteps = args.stepGrads ? new Float32Array(T * B * H) : null;

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, fa.h0, hs, B * H);
    maskedHidden(hPrev.arr, hPrev.off, v.hiddenMask, B * H, hm);
    const xo = t * B * G;
    for (let b = 0; b < B; b++) {
      const bo = b * H;
      const ao = b * G;
      if (!isActive(lengths, t, b)) {
        dHG.fill(0, ao, ao + G);
        dan.fill(0, bo, bo + H);
        rh.fill(0, bo, bo + H);
        dhNext.set(dh.subarray(bo, bo + H), bo);
        continue;
      }
      const row = t * B + b;
      if (args.dy) for (let j = 0; j < H; j++) dh[bo + j]! += args.dy[row * H + j]!;
      if (dhSteps) dhSteps.set(dh.subarray(bo, bo + H), row * H);
      const go = row * G;
      for (let j = 0; j < H; j++) {
        const r = gates[go + j]!;
        const z = gates[go + H + j]!;
        const n = gates[go + 2 * H + j]!;
        const d = zo ? zoneAt(zo.h, zo.p, row * H + j) : 0;
        const dht = dh[bo + j]! * (1 - d);
        const dn = dht * (1 - z) * (1 - n * n) * passes(pre[go + 2 * H + j]!, clip);
        const daz = dht * (hPrev.arr[hPrev.off + bo + j]! - n) * z * (1 - z) * passes(pre[go + H + j]!, clip);
        dhNext[bo + j] = dh[bo + j]! * d + dht * z;
        dXG[xo + ao + H + j] = daz;
        dXG[xo + ao + 2 * H + j] = dn;
        dHG[ao + H + j] = daz;
        if (v.resetAfter) {
          const dar = dn * hnAll[row * H + j]! * r * (1 - r) * passes(pre[go + j]!, clip);
          dXG[xo + ao + j] = dar;
          dHG[ao + j] = dar;
          dHG[ao + 2 * H + j] = dn * r;
        } else {
          dan[bo + j] = dn;
          rh[bo + j] = r * hm[bo + j]!;
        }
      }
    }
    if (!v.resetAfter) {
      // n's own product (r * h~) W_hn^T + b_hn: its weight rows, then back to r and h.
      mm(true, false, H, H, B, 1, dan, 0, H, rh, 0, H, 1, acc.dWHh, 2 * H * H, H);
      if (acc.dBHh) addColumnSums(dan, B, H, acc.dBHh.subarray(2 * H));
      mm(false, false, B, H, H, 1, dan, 0, H, weights.wHh, 2 * H * H, H, 0, drh, 0, H);
      for (let b = 0; b < B; b++) {
        if (!isActive(lengths, t, b)) continue;
        const go = (t * B + b) * G;
        for (let j = 0; j < H; j++) {
          const k = b * H + j;
          const r = gates[go + j]!;
          const dar = drh[k]! * hm[k]! * r * (1 - r) * passes(pre[go + j]!, clip);
          dXG[xo + b * G + j] = dar;
          dHG[b * G + j] = dar;
          dhNext[k]! += drh[k]! * r * (v.hiddenMask ? v.hiddenMask[k]! : 1);
        }
      }
    }
    recurrentSideGrads(dHG, hm, weights, v, B, H, G, rows, t, sv.hhXhat, sv.hhRstd, acc, dhm, dhNext, mm);
    dh.set(dhNext);
  }
  const inp = inputSideGrads(fa, v, sv.side, dXG, G, mm);
  return {
    dx: inp.dx,
    dh0: dh,
    dc0: null,
    dWIh: inp.dWIh,
    dWHh: acc.dWHh,
    dBIh: inp.dBIh,
    dBHh: acc.dBHh,
    dWHr: null,
    dhSteps,
    variant: {
      dPeephole: null,
      dLnIhWeight: inp.dLnW,
      dLnIhBias: inp.dLnB,
      dLnHhWeight: acc.dLnW,
      dLnHhBias: acc.dLnB,
      dLnCWeight: null,
      dLnCBias: null,
    },
  };
}

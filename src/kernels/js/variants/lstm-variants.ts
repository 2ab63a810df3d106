import type { CellVariant, GemmFn, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, VariantSequenceGrads } from '../../types.js';
import { sigmoid } from '../activations.js';
import { gemm } from '../gemm.js';
import { copyOrZeros, isActive, stateBefore, timeAt } from '../sequence.js';
import { layerNormBackwardRow, layerNormRows } from './layer-norm.js';
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
 * LSTM with the variants (no projection), gate order i, f, g, o as PyTorch:
 *   a = LN_ih(x~ W_ih^T) + b_ih + LN_hh(h~ W_hh^T) + b_hh   (x~, h~: dropout-masked; LN optional)
 *   i = s(clip(a_i + p_i c_{t-1})), f = s(clip(a_f + p_f c_{t-1})) or 1 - i, g = tanh(clip(a_g))
 *   c~ = f c_{t-1} + i g,  o = s(clip(a_o + p_o c~)),  h~ = o tanh(LN_c(c~))
 *   c_t = d_c c_{t-1} + (1 - d_c) c~,  h_t = d_h h_{t-1} + (1 - d_h) h~  (zoneout; d = 0 without)
 * The peephole on o reads the new cell state (ONNX), before zoneout (Krueger et al. 2016).
 */

interface Saved {
  side: InputSide;
  pre: Float32Array; // [T, B, 4H] pre-activations before clipping
  gates: Float32Array; // [T, B, 4H] i, f, g, o
  cTilde: Float32Array; // [T, B, H]
  cs: Float32Array; // [T, B, H]
  hs: Float32Array; // [T, B, H]
  hhXhat: Float32Array | null;
  hhRstd: Float32Array | null;
  cXhat: Float32Array | null;
  cRstd: Float32Array | null;
}

/** 1 where clipping left the pre-activation alone, else 0 (the derivative of the clip). */
const passes = (a: number, clip: number): number => (a > clip || a < -clip ? 0 : 1);

export function lstmVariantForward(args: SequenceForwardArgs, v: CellVariant, mm: GemmFn = gemm): SequenceForwardResult {
  const { T, B, H } = args.dims;
  const { lengths, reverse, weights } = args;
  const G = 4 * H;
  const side = inputSide(args, v, G, mm);
  const xg = side.xg;
  const pre = new Float32Array(T * B * G);
  const gates = new Float32Array(T * B * G);
  const cTilde = new Float32Array(T * B * H);
  const cs = new Float32Array(T * B * H);
  const hs = new Float32Array(T * B * H);
  const y = new Float32Array(T * B * H);
  const ln = v.layerNorm;
  const hhXhat = ln ? new Float32Array(T * B * G) : null;
  const hhRstd = ln ? new Float32Array(T * B) : null;
  const cXhat = ln?.cWeight ? new Float32Array(T * B * H) : null;
  const cRstd = ln?.cWeight ? new Float32Array(T * B) : null;
  const hg = new Float32Array(B * G);
  const hm = new Float32Array(B * H);
  const normC = new Float32Array(H);
  const c0 = args.c0 ?? new Float32Array(B * H);
  const { peephole: pe, clip, zoneout: zo, coupleInputForget: coupled } = v;

  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, args.h0, hs, B * H);
    const cPrev = stateBefore(s, T, reverse, c0, cs, B * H);
    recurrentSide(maskedHidden(hPrev.arr, hPrev.off, v.hiddenMask, B * H, hm), weights, v, B, H, G, G, hg, t, hhXhat, hhRstd, mm);
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const hp = hPrev.off + b * H;
      const cp0 = cPrev.off + b * H;
      if (!isActive(lengths, t, b)) {
        cs.set(cPrev.arr.subarray(cp0, cp0 + H), row * H);
        hs.set(hPrev.arr.subarray(hp, hp + H), row * H);
        continue;
      }
      const go = row * G;
      const ho = b * G;
      for (let j = 0; j < H; j++) {
        const cp = cPrev.arr[cp0 + j]!;
        const ai = xg[go + j]! + hg[ho + j]! + (pe ? pe[j]! * cp : 0);
        const i = sigmoid(clipValue(ai, clip));
        let f = 1 - i;
        if (!coupled) {
          const af = xg[go + H + j]! + hg[ho + H + j]! + (pe ? pe[H + j]! * cp : 0);
          pre[go + H + j] = af;
          f = sigmoid(clipValue(af, clip));
        }
        const ag = xg[go + 2 * H + j]! + hg[ho + 2 * H + j]!;
        const g = Math.tanh(clipValue(ag, clip));
        pre[go + j] = ai;
        pre[go + 2 * H + j] = ag;
        gates[go + j] = i;
        gates[go + H + j] = f;
        gates[go + 2 * H + j] = g;
        cTilde[row * H + j] = f * cp + i * g;
      }
      if (ln?.cWeight && ln.cBias && cXhat && cRstd) {
        layerNormRows(cTilde, row * H, 1, H, ln.cWeight, ln.cBias, normC, 0, cXhat, row * H, cRstd, row);
      }
      for (let j = 0; j < H; j++) {
        const ct = cTilde[row * H + j]!;
        const ao = xg[go + 3 * H + j]! + hg[ho + 3 * H + j]! + (pe ? pe[2 * H + j]! * ct : 0);
        const o = sigmoid(clipValue(ao, clip));
        pre[go + 3 * H + j] = ao;
        gates[go + 3 * H + j] = o;
        const hTilde = o * Math.tanh(cXhat ? normC[j]! : ct);
        const k = row * H + j;
        const dc = zo ? zoneAt(zo.c, zo.p, k) : 0;
        const dh = zo ? zoneAt(zo.h, zo.p, k) : 0;
        cs[k] = dc * cPrev.arr[cp0 + j]! + (1 - dc) * ct;
        hs[k] = y[k] = dh * hPrev.arr[hp + j]! + (1 - dh) * hTilde;
      }
    }
  }
  const last = T === 0 ? null : timeAt(T - 1, T, reverse);
  const hN = last === null ? Float32Array.from(args.h0) : hs.slice(last * B * H, (last + 1) * B * H);
  const cN = last === null ? Float32Array.from(c0) : cs.slice(last * B * H, (last + 1) * B * H);
  const saved: Saved | null = args.saveForBackward ? { side, pre, gates, cTilde, cs, hs, hhXhat, hhRstd, cXhat, cRstd } : null;
  return { y, hN, cN, saved, trace: args.trace ? { gates, c: cs, h: hs } : null };
}

/** Backpropagation through time for `lstmVariantForward`. */
export function lstmVariantBackward(args: SequenceBackwardArgs, v: CellVariant, mm: GemmFn = gemm): VariantSequenceGrads {
  const fa = args.forward;
  const { T, B, H } = fa.dims;
  const { lengths, reverse, weights } = fa;
  const G = 4 * H;
  const sv = args.result.saved as Saved;
  const { pre, gates, cTilde, cs, hs, cXhat, cRstd } = sv;
  const c0 = fa.c0 ?? new Float32Array(B * H);
  const { peephole: pe, clip, zoneout: zo, coupleInputForget: coupled } = v;
  const ln = v.layerNorm;

  const dXG = new Float32Array(T * B * G);
  const dA = new Float32Array(B * G);
  const dh = copyOrZeros(args.dhN, B * H);
  const dc = copyOrZeros(args.dcN, B * H);
  const dhNext = new Float32Array(B * H);
  const dcNext = new Float32Array(B * H);
  const hm = new Float32Array(B * H);
  const dhm = new Float32Array(B * H);
  const dn = new Float32Array(H);
  const dcz = new Float32Array(H);
  const acc = recurrentGrads(weights, v, G, H);
  const dPe = pe ? new Float32Array(3 * H) : null;
  const dLnCW = cXhat ? new Float32Array(H) : null;
  const dLnCB = cXhat ? new Float32Array(H) : null;
  const dhSteps = args.stepGrads ? new Float32Array(T * B * H) : null;

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, fa.h0, hs, B * H);
    const cPrev = stateBefore(s, T, reverse, c0, cs, B * H);
    for (let b = 0; b < B; b++) {
      const bo = b * H;
      const ao = b * G;
      if (!isActive(lengths, t, b)) {
        // Padded step: the state was held, so its gradient passes straight through.
        dA.fill(0, ao, ao + G);
        dhNext.set(dh.subarray(bo, bo + H), bo);
        dcNext.set(dc.subarray(bo, bo + H), bo);
        continue;
      }
      const row = t * B + b;
      if (args.dy) for (let j = 0; j < H; j++) dh[bo + j]! += args.dy[row * H + j]!;
      if (dhSteps) dhSteps.set(dh.subarray(bo, bo + H), row * H);
      const go = row * G;
      for (let j = 0; j < H; j++) {
        const k = row * H + j;
        const zh = zo ? zoneAt(zo.h, zo.p, k) : 0;
        const zc = zo ? zoneAt(zo.c, zo.p, k) : 0;
        const dht = dh[bo + j]! * (1 - zh);
        const n = cXhat && ln?.cWeight && ln.cBias ? cXhat[k]! * ln.cWeight[j]! + ln.cBias[j]! : cTilde[k]!;
        const tn = Math.tanh(n);
        const o = gates[go + 3 * H + j]!;
        dn[j] = dht * o * (1 - tn * tn);
        dA[ao + 3 * H + j] = dht * tn * o * (1 - o) * passes(pre[go + 3 * H + j]!, clip);
        dcz[j] = dc[bo + j]! * (1 - zc);
        dhNext[bo + j] = dh[bo + j]! * zh;
        dcNext[bo + j] = dc[bo + j]! * zc;
      }
      if (cXhat && cRstd && ln?.cWeight && dLnCW && dLnCB) {
        layerNormBackwardRow(dn, 0, H, cXhat, row * H, cRstd[row]!, ln.cWeight, dLnCW, dLnCB, dn, 0);
      }
      for (let j = 0; j < H; j++) {
        const i = gates[go + j]!;
        const f = gates[go + H + j]!;
        const g = gates[go + 2 * H + j]!;
        const cp = cPrev.arr[cPrev.off + bo + j]!;
        const dao = dA[ao + 3 * H + j]!;
        const dct = dcz[j]! + dn[j]! + (pe ? dao * pe[2 * H + j]! : 0);
        let di = dct * g;
        const df = dct * cp;
        let daf = 0;
        if (coupled) di -= df;
        else daf = df * f * (1 - f) * passes(pre[go + H + j]!, clip);
        const dai = di * i * (1 - i) * passes(pre[go + j]!, clip);
        const dag = dct * i * (1 - g * g) * passes(pre[go + 2 * H + j]!, clip);
        dA[ao + j] = dai;
        dA[ao + H + j] = daf;
        dA[ao + 2 * H + j] = dag;
        dcNext[bo + j]! += dct * f + (pe ? dai * pe[j]! + daf * pe[H + j]! : 0);
        if (dPe) {
          dPe[j]! += dai * cp;
          dPe[H + j]! += daf * cp;
          dPe[2 * H + j]! += dao * cTilde[row * H + j]!;
        }
      }
    }
    dXG.set(dA, t * B * G);
    maskedHidden(hPrev.arr, hPrev.off, v.hiddenMask, B * H, hm);
    recurrentSideGrads(dA, hm, weights, v, B, H, G, G, t, sv.hhXhat, sv.hhRstd, acc, dhm, dhNext, mm);
    dh.set(dhNext);
    dc.set(dcNext);
  }
  const inp = inputSideGrads(fa, v, sv.side, dXG, G, mm);
  return {
    dx: inp.dx,
    dh0: dh,
    dc0: dc,
    dWIh: inp.dWIh,
    dWHh: acc.dWHh,
    dBIh: inp.dBIh,
    dBHh: acc.dBHh,
    dWHr: null,
    dhSteps,
    variant: {
      dPeephole: dPe,
      dLnIhWeight: inp.dLnW,
      dLnIhBias: inp.dLnB,
      dLnHhWeight: acc.dLnW,
      dLnHhBias: acc.dLnB,
      dLnCWeight: dLnCW,
      dLnCBias: dLnCB,
    },
  };
}

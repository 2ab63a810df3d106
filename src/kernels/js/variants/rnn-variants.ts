import type { CellVariant, GemmFn, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, VariantSequenceGrads } from '../../types.js';
import { gemm } from '../gemm.js';
import { copyOrZeros, isActive, stateBefore, timeAt } from '../sequence.js';
import { inputSide, inputSideGrads, maskedHidden, recurrentGrads, recurrentSide, recurrentSideGrads, zoneAt, type InputSide } from './projections.js';

/**
 * Elman RNN with recurrent dropout and zoneout (the variants a plain RNN takes):
 *   h~_t = act(x~ W_ih^T + b_ih + h~_{t-1} W_hh^T + b_hh),  h_t = d h_{t-1} + (1 - d) h~_t
 */

interface Saved {
  side: InputSide;
  act: Float32Array; // [T, B, H] h~ (the nonlinearity's output)
  hs: Float32Array; // [T, B, H]
}

export function rnnVariantForward(args: SequenceForwardArgs, v: CellVariant, mm: GemmFn = gemm): SequenceForwardResult {
  const { T, B, H } = args.dims;
  const { lengths, reverse, weights } = args;
  const relu = args.mode === 'rnn_relu';
  const side = inputSide(args, v, H, mm);
  const act = new Float32Array(T * B * H);
  const hs = new Float32Array(T * B * H);
  const y = new Float32Array(T * B * H);
  const hg = new Float32Array(B * H);
  const hm = new Float32Array(B * H);
  const zo = v.zoneout;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, args.h0, hs, B * H);
    recurrentSide(maskedHidden(hPrev.arr, hPrev.off, v.hiddenMask, B * H, hm), weights, v, B, H, H, H, hg, t, null, null, mm);
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const hp = hPrev.off + b * H;
      if (!isActive(lengths, t, b)) {
        hs.set(hPrev.arr.subarray(hp, hp + H), row * H);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const k = row * H + j;
        const a = side.xg[k]! + hg[b * H + j]!;
        const h = relu ? Math.max(0, a) : Math.tanh(a);
        act[k] = h;
        const d = zo ? zoneAt(zo.h, zo.p, k) : 0;
        hs[k] = y[k] = d * hPrev.arr[hp + j]! + (1 - d) * h;
      }
    }
  }
  const last = T === 0 ? null : timeAt(T - 1, T, reverse);
  const hN = last === null ? Float32Array.from(args.h0) : hs.slice(last * B * H, (last + 1) * B * H);
  const saved: Saved | null = args.saveForBackward ? { side, act, hs } : null;
  return { y, hN, cN: null, saved, trace: args.trace ? { gates: new Float32Array(0), c: null, h: hs } : null };
}

export function rnnVariantBackward(args: SequenceBackwardArgs, v: CellVariant, mm: GemmFn = gemm): VariantSequenceGrads {
  const fa = args.forward;
  const { T, B, H } = fa.dims;
  const { lengths, reverse, weights } = fa;
  const relu = fa.mode === 'rnn_relu';
  const { side, act, hs } = args.result.saved as Saved;
  const zo = v.zoneout;
  const dXG = new Float32Array(T * B * H);
  const dA = new Float32Array(B * H);
  const dh = copyOrZeros(args.dhN, B * H);
  const dhNext = new Float32Array(B * H);
  const hm = new Float32Array(B * H);
  const dhm = new Float32Array(B * H);
  const acc = recurrentGrads(weights, v, H, H);
  const dhSteps = args.stepGrads ? new Float32Array(T * B * H) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, fa.h0, hs, B * H);
    for (let b = 0; b < B; b++) {
      const bo = b * H;
      if (!isActive(lengths, t, b)) {
        dA.fill(0, bo, bo + H);
        dhNext.set(dh.subarray(bo, bo + H), bo);
        continue;
      }
      const row = t * B + b;
      if (args.dy) for (let j = 0; j < H; j++) dh[bo + j]! += args.dy[row * H + j]!;
      if (dhSteps) dhSteps.set(dh.subarray(bo, bo + H), row * H);
      for (let j = 0; j < H; j++) {
        const k = row * H + j;
        const d = zo ? zoneAt(zo.h, zo.p, k) : 0;
        const dht = dh[bo + j]! * (1 - d);
        const h = act[k]!;
        dA[bo + j] = relu ? (h > 0 ? dht : 0) : dht * (1 - h * h);
        dhNext[bo + j] = dh[bo + j]! * d;
      }
    }
    dXG.set(dA, t * B * H);
    maskedHidden(hPrev.arr, hPrev.off, v.hiddenMask, B * H, hm);
    recurrentSideGrads(dA, hm, weights, v, B, H, H, H, t, null, null, acc, dhm, dhNext, mm);
    dh.set(dhNext);
  }
  const inp = inputSideGrads(fa, v, side, dXG, H, mm);
  return { dx: inp.dx, dh0: dh, dc0: null, dWIh: inp.dWIh, dWHh: acc.dWHh, dBIh: inp.dBIh, dBHh: acc.dBHh, dWHr: null, dhSteps, variant: null };
}

import type {
  SequenceBackwardArgs,
  SequenceForwardArgs,
  SequenceForwardResult,
  SequenceGrads,
} from '../types.js';
import { sigmoid } from './activations.js';
import { gemm } from './gemm.js';
import {
  copyOrZeros,
  inputProjection,
  inputProjectionGrads,
  isActive,
  recurrentProjection,
  recurrentStepGrads,
  stateBefore,
  timeAt,
} from './sequence.js';

/** What the LSTM backward pass reads: gate activations and states of every step. */
interface LstmSaved {
  gates: Float32Array; // [T, B, 4H] i, f, g, o
  cs: Float32Array; // [T, B, H]
  hs: Float32Array; // [T, B, P]
}

/**
 * LSTM over a whole sequence, PyTorch's formulas (gate order i, f, g, o):
 *   c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t)  (then h_t = W_hr h_t with a projection)
 */
export function lstmForward(args: SequenceForwardArgs): SequenceForwardResult {
  const { T, B, H, P } = args.dims;
  const { lengths, reverse, weights } = args;
  const G = 4 * H;
  const xg = inputProjection(args, G);
  const gates = new Float32Array(T * B * G);
  const cs = new Float32Array(T * B * H);
  const hs = new Float32Array(T * B * P);
  const y = new Float32Array(T * B * P);
  const hg = new Float32Array(B * G);
  const m = weights.wHr ? new Float32Array(B * H) : null;
  const projected = weights.wHr ? new Float32Array(B * P) : null;
  const c0 = args.c0 ?? new Float32Array(B * H);

  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, args.h0, hs, B * P);
    const cPrev = stateBefore(s, T, reverse, c0, cs, B * H);
    recurrentProjection(hPrev.arr, hPrev.off, weights, B, P, G, hg);
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      if (!isActive(lengths, t, b)) {
        // Padded step: the state is held, the gates report 0.
        cs.set(cPrev.arr.subarray(cPrev.off + b * H, cPrev.off + (b + 1) * H), row * H);
        hs.set(hPrev.arr.subarray(hPrev.off + b * P, hPrev.off + (b + 1) * P), row * P);
        continue;
      }
      const xo = row * G;
      const ho = b * G;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(xg[xo + j]! + hg[ho + j]!);
        const f = sigmoid(xg[xo + H + j]! + hg[ho + H + j]!);
        const g = Math.tanh(xg[xo + 2 * H + j]! + hg[ho + 2 * H + j]!);
        const o = sigmoid(xg[xo + 3 * H + j]! + hg[ho + 3 * H + j]!);
        const c = f * cPrev.arr[cPrev.off + b * H + j]! + i * g;
        gates[xo + j] = i;
        gates[xo + H + j] = f;
        gates[xo + 2 * H + j] = g;
        gates[xo + 3 * H + j] = o;
        cs[row * H + j] = c;
        const h = o * Math.tanh(Math.fround(c));
        if (m) m[b * H + j] = h;
        else hs[row * P + j] = y[row * P + j] = h;
      }
    }
    if (m && projected && weights.wHr) {
      gemm(false, true, B, P, H, 1, m, 0, H, weights.wHr, 0, H, 0, projected, 0, P);
      for (let b = 0; b < B; b++) {
        if (!isActive(lengths, t, b)) continue;
        const row = t * B + b;
        for (let k = 0; k < P; k++) hs[row * P + k] = y[row * P + k] = projected[b * P + k]!;
      }
    }
  }
  const last = T === 0 ? null : timeAt(T - 1, T, reverse);
  const hN = last === null ? Float32Array.from(args.h0) : hs.slice(last * B * P, (last + 1) * B * P);
  const cN = last === null ? Float32Array.from(c0) : cs.slice(last * B * H, (last + 1) * B * H);
  const saved: LstmSaved | null = args.saveForBackward ? { gates, cs, hs } : null;
  return {
    y,
    hN,
    cN,
    saved,
    trace: args.trace ? { gates, c: cs, h: hs } : null,
  };
}

/** Backpropagation through time for `lstmForward`. */
export function lstmBackward(args: SequenceBackwardArgs): SequenceGrads {
  const fa = args.forward;
  const { T, B, H, P } = fa.dims;
  const { lengths, reverse, weights } = fa;
  const G = 4 * H;
  const saved = args.result.saved as LstmSaved;
  const { gates, cs, hs } = saved;
  const c0 = fa.c0 ?? new Float32Array(B * H);

  const dXG = new Float32Array(T * B * G);
  const dA = new Float32Array(B * G);
  const dh = copyOrZeros(args.dhN, B * P);
  const dc = copyOrZeros(args.dcN, B * H);
  const dhPrev = new Float32Array(B * P);
  const dWHh = new Float32Array(G * P);
  const dBHh = weights.bHh ? new Float32Array(G) : null;
  const dWHr = weights.wHr ? new Float32Array(P * H) : null;
  const dm = weights.wHr ? new Float32Array(B * H) : null;
  const m = weights.wHr ? new Float32Array(B * H) : null;
  const dhActive = weights.wHr ? new Float32Array(B * P) : null;
  const dhSteps = args.stepGrads ? new Float32Array(T * B * P) : null;

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, fa.h0, hs, B * P);
    const cPrev = stateBefore(s, T, reverse, c0, cs, B * H);
    for (let b = 0; b < B; b++) {
      if (!isActive(lengths, t, b)) continue;
      const row = t * B + b;
      if (args.dy) for (let k = 0; k < P; k++) dh[b * P + k]! += args.dy[row * P + k]!;
      if (dhSteps) dhSteps.set(dh.subarray(b * P, (b + 1) * P), row * P);
    }
    if (dm && m && dWHr && dhActive && weights.wHr) {
      // h = W_hr m: dm = dh W_hr, dW_hr += dh^T m (padded rows contribute nothing).
      dhActive.fill(0);
      m.fill(0);
      for (let b = 0; b < B; b++) {
        if (!isActive(lengths, t, b)) continue;
        const row = t * B + b;
        dhActive.set(dh.subarray(b * P, (b + 1) * P), b * P);
        for (let j = 0; j < H; j++) {
          m[b * H + j] = gates[row * G + 3 * H + j]! * Math.tanh(cs[row * H + j]!);
        }
      }
      gemm(false, false, B, H, P, 1, dhActive, 0, P, weights.wHr, 0, H, 0, dm, 0, H);
      gemm(true, false, P, H, B, 1, dhActive, 0, P, m, 0, H, 1, dWHr, 0, H);
    }
    const dOut = dm ?? dh;
    const dOutWidth = dm ? H : P;
    for (let b = 0; b < B; b++) {
      const ao = b * G;
      if (!isActive(lengths, t, b)) {
        dA.fill(0, ao, ao + G);
        continue;
      }
      const row = t * B + b;
      const go = row * G;
      for (let j = 0; j < H; j++) {
        const i = gates[go + j]!;
        const f = gates[go + H + j]!;
        const g = gates[go + 2 * H + j]!;
        const o = gates[go + 3 * H + j]!;
        const tc = Math.tanh(cs[row * H + j]!);
        const dhj = dOut[b * dOutWidth + j]!;
        const dct = dc[b * H + j]! + dhj * o * (1 - tc * tc);
        const dO = dhj * tc;
        dA[ao + j] = dct * g * i * (1 - i);
        dA[ao + H + j] = dct * cPrev.arr[cPrev.off + b * H + j]! * f * (1 - f);
        dA[ao + 2 * H + j] = dct * i * (1 - g * g);
        dA[ao + 3 * H + j] = dO * o * (1 - o);
        dc[b * H + j] = dct * f;
      }
    }
    dXG.set(dA, t * B * G);
    recurrentStepGrads(dA, hPrev.arr, hPrev.off, weights, B, P, G, dWHh, dBHh, dhPrev);
    for (let b = 0; b < B; b++) {
      if (isActive(lengths, t, b)) dh.set(dhPrev.subarray(b * P, (b + 1) * P), b * P);
    }
  }
  const { dx, dWIh, dBIh } = inputProjectionGrads(fa, dXG, G);
  return { dx, dh0: dh, dc0: dc, dWIh, dWHh, dBIh, dBHh, dWHr, dhSteps };
}

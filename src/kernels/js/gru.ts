import type {
  SequenceBackwardArgs,
  SequenceForwardArgs,
  SequenceForwardResult,
  SequenceGrads,
} from '../types.js';
import { sigmoid } from './activations.js';
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

interface GruSaved {
  gates: Float32Array; // [T, B, 3H] r, z, n
  hn: Float32Array; // [T, B, H] W_hn h + b_hn, which the reset gate scales
  hs: Float32Array; // [T, B, H]
}

/**
 * GRU over a whole sequence, PyTorch's form (gate order r, z, n; the reset gate scales the
 * whole recurrent term including its bias, ONNX linear_before_reset=1):
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}
 */
export function gruForward(args: SequenceForwardArgs): SequenceForwardResult {
  const { T, B, H } = args.dims;
  const { lengths, reverse, weights } = args;
  const G = 3 * H;
  const xg = inputProjection(args, G);
  const gates = new Float32Array(T * B * G);
  const hnAll = new Float32Array(T * B * H);
  const hs = new Float32Array(T * B * H);
  const y = new Float32Array(T * B * H);
  const hg = new Float32Array(B * G);

  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, args.h0, hs, B * H);
    recurrentProjection(hPrev.arr, hPrev.off, weights, B, H, G, hg);
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const hp = hPrev.off + b * H;
      if (!isActive(lengths, t, b)) {
        hs.set(hPrev.arr.subarray(hp, hp + H), row * H);
        continue;
      }
      const xo = row * G;
      const ho = b * G;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xg[xo + j]! + hg[ho + j]!);
        const z = sigmoid(xg[xo + H + j]! + hg[ho + H + j]!);
        const hn = hg[ho + 2 * H + j]!;
        const n = Math.tanh(xg[xo + 2 * H + j]! + r * hn);
        const h = (1 - z) * n + z * hPrev.arr[hp + j]!;
        gates[xo + j] = r;
        gates[xo + H + j] = z;
        gates[xo + 2 * H + j] = n;
        hnAll[row * H + j] = hn;
        hs[row * H + j] = y[row * H + j] = h;
      }
    }
  }
  const last = T === 0 ? null : timeAt(T - 1, T, reverse);
  const hN = last === null ? Float32Array.from(args.h0) : hs.slice(last * B * H, (last + 1) * B * H);
  const saved: GruSaved | null = args.saveForBackward ? { gates, hn: hnAll, hs } : null;
  return { y, hN, cN: null, saved, trace: args.trace ? { gates, c: null, h: hs } : null };
}

/** Backpropagation through time for `gruForward`. */
export function gruBackward(args: SequenceBackwardArgs): SequenceGrads {
  const fa = args.forward;
  const { T, B, H } = fa.dims;
  const { lengths, reverse, weights } = fa;
  const G = 3 * H;
  const { gates, hn, hs } = args.result.saved as GruSaved;

  const dXG = new Float32Array(T * B * G);
  const dHG = new Float32Array(B * G);
  const dh = copyOrZeros(args.dhN, B * H);
  const dhDirect = new Float32Array(B * H);
  const dhPrev = new Float32Array(B * H);
  const dWHh = new Float32Array(G * H);
  const dBHh = weights.bHh ? new Float32Array(G) : null;
  const dhSteps = args.stepGrads ? new Float32Array(T * B * H) : null;

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, fa.h0, hs, B * H);
    const xgOff = t * B * G;
    for (let b = 0; b < B; b++) {
      const ao = b * G;
      if (!isActive(lengths, t, b)) {
        dHG.fill(0, ao, ao + G);
        continue;
      }
      const row = t * B + b;
      if (args.dy) for (let j = 0; j < H; j++) dh[b * H + j]! += args.dy[row * H + j]!;
      if (dhSteps) dhSteps.set(dh.subarray(b * H, (b + 1) * H), row * H);
      const go = row * G;
      for (let j = 0; j < H; j++) {
        const r = gates[go + j]!;
        const z = gates[go + H + j]!;
        const n = gates[go + 2 * H + j]!;
        const dht = dh[b * H + j]!;
        const dan = dht * (1 - z) * (1 - n * n);
        const daz = dht * (hPrev.arr[hPrev.off + b * H + j]! - n) * z * (1 - z);
        const dar = dan * hn[row * H + j]! * r * (1 - r);
        dXG[xgOff + ao + j] = dar;
        dXG[xgOff + ao + H + j] = daz;
        dXG[xgOff + ao + 2 * H + j] = dan;
        dHG[ao + j] = dar;
        dHG[ao + H + j] = daz;
        dHG[ao + 2 * H + j] = dan * r;
        dhDirect[b * H + j] = dht * z;
      }
    }
    recurrentStepGrads(dHG, hPrev.arr, hPrev.off, weights, B, H, G, dWHh, dBHh, dhPrev);
    for (let b = 0; b < B; b++) {
      if (!isActive(lengths, t, b)) continue;
      for (let j = 0; j < H; j++) dh[b * H + j] = dhPrev[b * H + j]! + dhDirect[b * H + j]!;
    }
  }
  const { dx, dWIh, dBIh } = inputProjectionGrads(fa, dXG, G);
  return { dx, dh0: dh, dc0: null, dWIh, dWHh, dBIh, dBHh, dWHr: null, dhSteps };
}

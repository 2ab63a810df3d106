import type {
  SequenceBackwardArgs,
  SequenceForwardArgs,
  SequenceForwardResult,
  SequenceGrads,
} from '../types.js';
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

/** Elman RNN over a whole sequence: h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh). */
export function rnnForward(args: SequenceForwardArgs): SequenceForwardResult {
  const { T, B, H } = args.dims;
  const { lengths, reverse, weights } = args;
  const relu = args.mode === 'rnn_relu';
  const xg = inputProjection(args, H);
  const hs = new Float32Array(T * B * H);
  const y = new Float32Array(T * B * H);
  const hg = new Float32Array(B * H);

  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, args.h0, hs, B * H);
    recurrentProjection(hPrev.arr, hPrev.off, weights, B, H, H, hg);
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      if (!isActive(lengths, t, b)) {
        hs.set(hPrev.arr.subarray(hPrev.off + b * H, hPrev.off + (b + 1) * H), row * H);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const a = xg[row * H + j]! + hg[b * H + j]!;
        hs[row * H + j] = y[row * H + j] = relu ? Math.max(a, 0) : Math.tanh(a);
      }
    }
  }
  const last = T === 0 ? null : timeAt(T - 1, T, reverse);
  const hN = last === null ? Float32Array.from(args.h0) : hs.slice(last * B * H, (last + 1) * B * H);
  return {
    y,
    hN,
    cN: null,
    saved: args.saveForBackward ? hs : null,
    trace: args.trace ? { gates: new Float32Array(0), c: null, h: hs } : null,
  };
}

/** Backpropagation through time for `rnnForward`. */
export function rnnBackward(args: SequenceBackwardArgs): SequenceGrads {
  const fa = args.forward;
  const { T, B, H } = fa.dims;
  const { lengths, reverse, weights } = fa;
  const relu = fa.mode === 'rnn_relu';
  const hs = args.result.saved as Float32Array;

  const dXG = new Float32Array(T * B * H);
  const dA = new Float32Array(B * H);
  const dh = copyOrZeros(args.dhN, B * H);
  const dhPrev = new Float32Array(B * H);
  const dWHh = new Float32Array(H * H);
  const dBHh = weights.bHh ? new Float32Array(H) : null;
  const dhSteps = args.stepGrads ? new Float32Array(T * B * H) : null;

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const hPrev = stateBefore(s, T, reverse, fa.h0, hs, B * H);
    for (let b = 0; b < B; b++) {
      if (!isActive(lengths, t, b)) {
        dA.fill(0, b * H, (b + 1) * H);
        continue;
      }
      const row = t * B + b;
      if (args.dy) for (let j = 0; j < H; j++) dh[b * H + j]! += args.dy[row * H + j]!;
      if (dhSteps) dhSteps.set(dh.subarray(b * H, (b + 1) * H), row * H);
      for (let j = 0; j < H; j++) {
        const h = hs[row * H + j]!;
        const d = relu ? (h > 0 ? 1 : 0) : 1 - h * h;
        dA[b * H + j] = dh[b * H + j]! * d;
      }
    }
    dXG.set(dA, t * B * H);
    recurrentStepGrads(dA, hPrev.arr, hPrev.off, weights, B, H, H, dWHh, dBHh, dhPrev);
    for (let b = 0; b < B; b++) {
      if (isActive(lengths, t, b)) dh.set(dhPrev.subarray(b * H, (b + 1) * H), b * H);
    }
  }
  const { dx, dWIh, dBIh } = inputProjectionGrads(fa, dXG, H);
  return { dx, dh0: dh, dc0: null, dWIh, dWHh, dBIh, dBHh, dWHr: null, dhSteps };
}

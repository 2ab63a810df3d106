// One differentiable streaming step through a stack of recurrent layers, on step kernels that
// keep their packed weights between calls (Backend.prepareStep). The general path (a T = 1
// recurrentPass per layer, plus select, stack and reshape nodes) copies and compares every
// weight on each call and keeps each call's saved state in kernel memory until it is
// backpropagated or collected; this one packs once per weight version, records one graph
// node per call, and holds the few saved floats in JS arrays that die with the node.
import { sequenceBackward } from '../kernels/entry.js';
import type { Backend, CellMode, SequenceForwardArgs, StepKernel } from '../kernels/types.js';
import { gradBuffer, Tensor } from '../tensor/tensor.js';
import { needsGrad, record } from './graph.js';
import { accumulate, gradTargets, type PassParams } from './recurrent.js';

/** A stack of L unidirectional layers stepped at batch B. */
export interface StepStack {
  readonly mode: CellMode;
  readonly backend: Backend;
  /** One kernel per layer, each with `stepSaved`, prepared on the current weights. */
  readonly kernels: readonly StepKernel[];
  readonly params: readonly PassParams[];
  readonly batch: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Size of h (the projection size, else hiddenSize). */
  readonly outSize: number;
}

export interface StepOutcome {
  /** [B, P] the last layer's new h */
  readonly output: Tensor;
  /** [L, B, P] and [L, B, H] (LSTM) */
  readonly h: Tensor;
  readonly c: Tensor | null;
}

const EMPTY = new Float32Array(0);

/** The tensors a step reads: x, the state, every layer's weights. */
export function stepInputs(x: Tensor, h0: Tensor | null, c0: Tensor | null, params: readonly PassParams[]): (Tensor | null)[] {
  return [x, h0, c0, ...params.flatMap((p) => [p.wIh, p.wHh, p.bIh, p.bHh, p.wHr])];
}

/**
 * `x` [B, I] through every layer from state (h0 [L, B, P], c0 [L, B, H]; null: zeros), with
 * the backward recorded when an input requires a gradient. Values are those of the T = 1
 * sequence pass; gradients are its BPTT's, through the backend's `sequenceBackward`.
 *
 * @example
 * const { output, h, c } = recurrentStep(stack, xt, state.h, state.c);   // output [B, P]
 */
export function recurrentStep(s: StepStack, x: Tensor, h0: Tensor | null, c0: Tensor | null): StepOutcome {
  const { mode, batch: B, hiddenSize: H, outSize: P } = s;
  const L = s.kernels.length;
  const lstm = mode === 'lstm';
  const inputs = stepInputs(x, h0, c0, s.params);
  const differentiable = needsGrad(inputs);
  const h = new Float32Array(L * B * P);
  const c = lstm ? new Float32Array(L * B * H) : null;
  if (h0) h.set(h0.data);
  if (c && c0) c.set(c0.data);
  const saves: unknown[] = [];
  let input = x.data;
  for (let l = 0; l < L; l++) {
    const hl = h.subarray(l * B * P, (l + 1) * B * P);
    const cl = c ? c.subarray(l * B * H, (l + 1) * B * H) : null;
    const k = s.kernels[l]!;
    if (differentiable) saves.push(k.stepSaved!(input, hl, cl, hl, cl));
    else k.step(input, hl, cl, hl, cl);
    input = hl;
  }
  const output = new Tensor(h.slice((L - 1) * B * P), [B, P]);
  const hT = new Tensor(h, [L, B, P]);
  const cT = c ? new Tensor(c, [L, B, H]) : null;
  if (!differentiable) return { output, h: hT, c: cT };

  record(`${mode}_step`, inputs, cT ? [output, hT, cT] : [output, hT], () => {
    // Layers in reverse: layer l's new h fed layer l+1, so its gradient gathers the state's,
    // the output's (top layer) and layer l+1's dx.
    let dAbove: Float32Array | null = null;
    for (let l = L - 1; l >= 0; l--) {
      const dh = new Float32Array(B * P);
      addSlice(dh, hT.grad, l * B * P);
      if (l === L - 1) addSlice(dh, output.grad, 0);
      if (dAbove) addSlice(dh, dAbove, 0);
      const dc = cT?.grad ? cT.grad.slice(l * B * H, (l + 1) * B * H) : null;
      const p = s.params[l]!;
      const result = { y: EMPTY, hN: EMPTY, cN: null, trace: null, saved: saves[l] };
      const grads = sequenceBackward({ forward: stepArgs(s, l), result, dy: null, dhN: dh, dcN: dc, stepGrads: false, accumulateInto: gradTargets(p) }, s.backend);
      const taken = new Set<Float32Array>();
      accumulate(p.wIh, grads.dWIh, taken);
      accumulate(p.wHh, grads.dWHh, taken);
      accumulate(p.bIh, grads.dBIh, taken);
      accumulate(p.bHh, grads.dBHh, taken);
      accumulate(p.wHr, grads.dWHr, taken);
      addInto(h0, grads.dh0, l * B * P);
      addInto(c0, grads.dc0, l * B * H);
      if (l === 0) accumulate(x, grads.dx, taken);
      dAbove = grads.dx;
    }
  });
  return { output, h: hT, c: cT };
}

/** The T = 1 pass layer `l` ran, as sequenceBackward reads it (sizes, mode, which weights exist). */
function stepArgs(s: StepStack, l: number): SequenceForwardArgs {
  const p = s.params[l]!;
  const I = l === 0 ? s.inputSize : s.outSize;
  return {
    mode: s.mode,
    dims: { T: 1, B: s.batch, I, H: s.hiddenSize, P: s.outSize },
    weights: { wIh: p.wIh.data, wHh: p.wHh.data, bIh: p.bIh?.data ?? null, bHh: p.bHh?.data ?? null, wHr: p.wHr?.data ?? null },
    x: EMPTY,
    h0: EMPTY,
    c0: null,
    lengths: null,
    reverse: false,
    saveForBackward: true,
    trace: false,
  };
}

function addSlice(dst: Float32Array, src: Float32Array | null, offset: number): void {
  if (!src) return;
  for (let i = 0; i < dst.length; i++) dst[i]! += src[offset + i]!;
}

/** Adds g into rows `offset`.. of t's gradient (a layer's slice of the state). */
function addInto(t: Tensor | null, g: Float32Array | null, offset: number): void {
  if (!t || !g || !t.requiresGrad) return;
  const buf = gradBuffer(t);
  for (let i = 0; i < g.length; i++) buf[offset + i]! += g[i]!;
}

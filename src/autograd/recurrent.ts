import { getBackend } from '../kernels/backend.js';
import { sequenceBackward, sequenceForward, sequenceForwardMany } from '../kernels/entry.js';
import type { Backend, CellMode, CellVariant, SequenceForwardArgs, SequenceForwardResult, SequenceTrace, WeightGradTargets, ZoneoutMasks } from '../kernels/types.js';
import { Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/tensor.js';
import { needsGrad, record } from './graph.js';
import { concatLast } from './ops.js';

/** Parameters of one layer and direction, as tensors (PyTorch layout). */
export interface PassParams {
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  readonly bIh: Tensor | null;
  readonly bHh: Tensor | null;
  readonly wHr: Tensor | null;
  /** Cell-variant parameters (see layers/recurrent-variants.ts for names and shapes). */
  readonly variant?: VariantParams;
}

/** Learned parameters of the cell variants; null where the variant is off. */
export interface VariantParams {
  /** [3H] LSTM peepholes, order i, f, o */
  readonly peephole: Tensor | null;
  /** Layer-norm gains and biases: ih/hh [G*H], c [H] (LSTM only) */
  readonly lnIhWeight: Tensor | null;
  readonly lnIhBias: Tensor | null;
  readonly lnHhWeight: Tensor | null;
  readonly lnHhBias: Tensor | null;
  readonly lnCWeight: Tensor | null;
  readonly lnCBias: Tensor | null;
}

/** The non-learned part of a variant pass: flags, and this pass's masks. */
export interface VariantConfig {
  readonly coupleInputForget: boolean;
  readonly clip: number;
  readonly resetAfter: boolean;
  readonly inputMask: Float32Array | null;
  readonly hiddenMask: Float32Array | null;
  readonly zoneout: ZoneoutMasks | null;
}

export interface PassOptions {
  readonly mode: CellMode;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
  readonly trace: boolean;
  readonly backend?: Backend;
  /** A cell variant: the pass then runs on the reference variant kernels, whatever the backend. */
  readonly variant?: VariantConfig;
}

export interface PassResult {
  /** [T, B, P] */
  readonly y: Tensor;
  /** [B, P] */
  readonly hN: Tensor;
  /** [B, H] for LSTM */
  readonly cN: Tensor | null;
  readonly trace: SequenceTrace | null;
  /** Filled by the backward pass when tracing: dL/dh_t for every step, [T, B, P]. */
  readonly stepGrads: { value: Float32Array | null };
}

/**
 * One layer and direction over a whole sequence as ONE differentiable operation, like
 * PyTorch's fused RNN operator: the backend runs the time loop forward, and its backward
 * runs BPTT, so a faster backend replaces both without the layers noticing.
 * Shapes are trusted here; the layers check them.
 */
export function recurrentPass(
  x: Tensor,
  h0: Tensor,
  c0: Tensor | null,
  params: PassParams,
  options: PassOptions,
): PassResult {
  const pass = preparePass({ x, h0, c0, params, options });
  return finishPass(pass, sequenceForward(pass.args, pass.backend));
}

/** One pass's operands, as `recurrentPass` takes them. */
export interface PassSpec {
  readonly x: Tensor;
  readonly h0: Tensor;
  readonly c0: Tensor | null;
  readonly params: PassParams;
  readonly options: PassOptions;
}

/**
 * Independent passes (the directions of one bidirectional layer), each as `recurrentPass`.
 * When none of them is differentiable (inference), backends with threads run them at once.
 */
export function recurrentPasses(specs: readonly PassSpec[]): PassResult[] {
  const passes = specs.map(preparePass);
  const results = runPasses(passes.map((p) => p.args), passes);
  return passes.map((p, i) => finishPass(p, results[i]!));
}

function runPasses(args: readonly SequenceForwardArgs[], passes: readonly PreparedPass[]): SequenceForwardResult[] {
  const backend = passes[0]?.backend;
  return backend && passes.every((p) => p.backend === backend)
    ? sequenceForwardMany(args, backend)
    : args.map((a, i) => sequenceForward(a, passes[i]!.backend));
}

/** A pass of `recurrentPassesJoined`: its output is part of the joined one. */
export type JoinedPass = Omit<PassResult, 'y'>;

/**
 * Independent passes over the same steps and batch (the directions of a bidirectional
 * layer) with their outputs joined along the last axis, [T, B, sum of P], as concatLast of
 * their y. At inference (no pass differentiable or traced) each pass writes its y straight
 * into its columns of the joined output: no per-direction arrays and no concatenation,
 * which in a browser, where fresh memory is dear, is a good part of the time.
 */
export function recurrentPassesJoined(specs: readonly PassSpec[]): { output: Tensor; passes: JoinedPass[] } {
  const passes = specs.map(preparePass);
  if (passes.length < 2 || passes.some((p) => p.args.saveForBackward || p.args.trace)) {
    const results = runPasses(passes.map((p) => p.args), passes).map((r, i) => finishPass(passes[i]!, r));
    return { output: concatLast(results.map((r) => r.y)), passes: results };
  }
  const { T, B } = passes[0]!.args.dims;
  const width = passes.reduce((s, p) => s + p.args.dims.P, 0);
  const data = new Float32Array(T * B * width);
  let offset = 0;
  const args = passes.map((p) => {
    const into = { data, stride: width, offset };
    offset += p.args.dims.P;
    return { ...p.args, into };
  });
  const results = runPasses(args, passes);
  return {
    output: new Tensor(data, [T, B, width]),
    passes: results.map((r, i) => {
      const { B, H, P } = args[i]!.dims;
      return { hN: new Tensor(r.hN, [B, P]), cN: r.cN ? new Tensor(r.cN, [B, H]) : null, trace: null, stepGrads: { value: null } };
    }),
  };
}

interface PreparedPass extends PassSpec {
  readonly backend: Backend;
  readonly args: SequenceForwardArgs;
  readonly inputs: (Tensor | null)[];
}

function preparePass(spec: PassSpec): PreparedPass {
  const { x, h0, c0, params, options } = spec;
  const backend = options.backend ?? getBackend();
  const [T, B, I] = x.shape as [number, number, number];
  const H = params.wHh.shape[0]! / (options.mode === 'lstm' ? 4 : options.mode === 'gru' ? 3 : 1);
  const P = h0.shape[1]!;
  const vp = params.variant;
  const vTensors = vp ? [vp.peephole, vp.lnIhWeight, vp.lnIhBias, vp.lnHhWeight, vp.lnHhBias, vp.lnCWeight, vp.lnCBias] : [];
  const inputs = [x, h0, c0, params.wIh, params.wHh, params.bIh, params.bHh, params.wHr, ...vTensors];
  const differentiable = needsGrad(inputs);
  // kernels/entry.ts picks the kernels: the backend's (recurrent dropout alone, where it
  // applies masks), or the reference variant kernels.
  const variant = options.variant ? cellVariant(options.variant, vp) : undefined;
  const args: SequenceForwardArgs = {
    mode: options.mode,
    dims: { T, B, I, H, P },
    weights: {
      wIh: params.wIh.data,
      wHh: params.wHh.data,
      bIh: params.bIh?.data ?? null,
      bHh: params.bHh?.data ?? null,
      wHr: params.wHr?.data ?? null,
    },
    x: x.data,
    h0: h0.data,
    c0: c0?.data ?? null,
    lengths: options.lengths,
    reverse: options.reverse,
    saveForBackward: differentiable,
    trace: options.trace,
    ...(variant ? { variant } : {}),
  };
  return { ...spec, backend, args, inputs };
}

/** The pass's outputs as tensors, with its backward (BPTT) recorded. */
function finishPass(pass: PreparedPass, result: SequenceForwardResult): PassResult {
  const { params, options, args, backend, x, h0, c0 } = pass;
  const { T, B, H, P } = args.dims;
  const vp = params.variant;
  const y = new Tensor(result.y, [T, B, P]);
  const hN = new Tensor(result.hN, [B, P]);
  const cN = result.cN ? new Tensor(result.cN, [B, H]) : null;
  const stepGrads: { value: Float32Array | null } = { value: null };
  const outputs = cN ? [y, hN, cN] : [y, hN];

  record(`${options.mode}${options.reverse ? '_reverse' : ''}`, pass.inputs, outputs, () => {
    const accumulateInto = gradTargets(params);
    const grads = sequenceBackward({ forward: args, result, dy: y.grad, dhN: hN.grad, dcN: cN ? cN.grad : null, stepGrads: options.trace, accumulateInto }, backend);
    if (options.trace) stepGrads.value = grads.dhSteps;
    const taken = new Set<Float32Array>();
    const addInto = (t: Tensor | null, g: Float32Array | null) => accumulate(t, g, taken);
    addInto(x, grads.dx);
    addInto(h0, grads.dh0);
    addInto(c0, grads.dc0);
    addInto(params.wIh, grads.dWIh);
    addInto(params.wHh, grads.dWHh);
    addInto(params.bIh, grads.dBIh);
    addInto(params.bHh, grads.dBHh);
    addInto(params.wHr, grads.dWHr);
    const vg = grads.variant;
    if (vp && vg) {
      addInto(vp.peephole, vg.dPeephole);
      addInto(vp.lnIhWeight, vg.dLnIhWeight);
      addInto(vp.lnIhBias, vg.dLnIhBias);
      addInto(vp.lnHhWeight, vg.dLnHhWeight);
      addInto(vp.lnHhBias, vg.dLnHhBias);
      addInto(vp.lnCWeight, vg.dLnCWeight);
      addInto(vp.lnCBias, vg.dLnCBias);
    }
  });
  return { y, hN, cN, trace: result.trace, stepGrads };
}

/**
 * The weights' existing gradients, for the backend to add into (`accumulateInto`): after the
 * first step a training loop then allocates no gradient arrays (zeroGrad zeroes in place).
 */
export function gradTargets(p: Pick<PassParams, 'wIh' | 'wHh' | 'bIh' | 'bHh' | 'wHr'>): WeightGradTargets {
  const of = (t: Tensor | null): Float32Array | null => (t?.requiresGrad ? t.grad : null);
  return { dWIh: of(p.wIh), dWHh: of(p.wHh), dBIh: of(p.bIh), dBHh: of(p.bHh), dWHr: of(p.wHr) };
}

/**
 * Adds a pass's gradient into `t.grad`. A first gradient is taken over rather than copied
 * into zeros (backends return fresh arrays, the caller's: SequenceGrads); `taken` keeps one
 * array from becoming the gradient of two tensors. `g` being `t.grad` itself means the backend
 * has already added into it (`accumulateInto`).
 */
export function accumulate(t: Tensor | null, g: Float32Array | null, taken: Set<Float32Array>): void {
  if (!t || !g || !t.requiresGrad || g === t.grad) return;
  if (t.grad === null && g.length === t.size && !taken.has(g)) {
    taken.add(g);
    t.grad = g;
    return;
  }
  const buf = gradBuffer(t);
  for (let i = 0; i < g.length; i++) buf[i]! += g[i]!;
}

function cellVariant(c: VariantConfig, p: VariantParams | undefined): CellVariant {
  const ln =
    p?.lnIhWeight && p.lnIhBias && p.lnHhWeight && p.lnHhBias
      ? {
          ihWeight: p.lnIhWeight.data,
          ihBias: p.lnIhBias.data,
          hhWeight: p.lnHhWeight.data,
          hhBias: p.lnHhBias.data,
          cWeight: p.lnCWeight?.data ?? null,
          cBias: p.lnCBias?.data ?? null,
        }
      : null;
  return {
    peephole: p?.peephole?.data ?? null,
    coupleInputForget: c.coupleInputForget,
    clip: c.clip,
    resetAfter: c.resetAfter,
    layerNorm: ln,
    inputMask: c.inputMask,
    hiddenMask: c.hiddenMask,
    zoneout: c.zoneout,
  };
}

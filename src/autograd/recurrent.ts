import { getBackend } from '../kernels/backend.js';
import type { Backend, CellMode, SequenceForwardArgs, SequenceTrace } from '../kernels/types.js';
import { Tensor } from '../tensor/tensor.js';
import { gradBuffer } from './backward.js';
import { needsGrad, record } from './graph.js';

/** Parameters of one layer and direction, as tensors (PyTorch layout). */
export interface PassParams {
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  readonly bIh: Tensor | null;
  readonly bHh: Tensor | null;
  readonly wHr: Tensor | null;
}

export interface PassOptions {
  readonly mode: CellMode;
  readonly reverse: boolean;
  readonly lengths: Int32Array | null;
  readonly trace: boolean;
  readonly backend?: Backend;
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
  const backend = options.backend ?? getBackend();
  const [T, B, I] = x.shape as [number, number, number];
  const H = params.wHh.shape[0]! / (options.mode === 'lstm' ? 4 : options.mode === 'gru' ? 3 : 1);
  const P = h0.shape[1]!;
  const inputs = [x, h0, c0, params.wIh, params.wHh, params.bIh, params.bHh, params.wHr];
  const differentiable = needsGrad(inputs);
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
  };
  const result = backend.sequenceForward(args);
  const y = new Tensor(result.y, [T, B, P]);
  const hN = new Tensor(result.hN, [B, P]);
  const cN = result.cN ? new Tensor(result.cN, [B, H]) : null;
  const stepGrads: { value: Float32Array | null } = { value: null };
  const outputs = cN ? [y, hN, cN] : [y, hN];

  record(`${options.mode}${options.reverse ? '_reverse' : ''}`, inputs, outputs, () => {
    const grads = backend.sequenceBackward({
      forward: args,
      result,
      dy: y.grad,
      dhN: hN.grad,
      dcN: cN ? cN.grad : null,
      stepGrads: options.trace,
    });
    if (options.trace) stepGrads.value = grads.dhSteps;
    addInto(x, grads.dx);
    addInto(h0, grads.dh0);
    addInto(c0, grads.dc0);
    addInto(params.wIh, grads.dWIh);
    addInto(params.wHh, grads.dWHh);
    addInto(params.bIh, grads.dBIh);
    addInto(params.bHh, grads.dBHh);
    addInto(params.wHr, grads.dWHr);
  });
  return { y, hN, cN, trace: result.trace, stepGrads };
}

function addInto(t: Tensor | null, g: Float32Array | null): void {
  if (!t || !g || !t.requiresGrad) return;
  const buf = gradBuffer(t);
  for (let i = 0; i < g.length; i++) buf[i]! += g[i]!;
}

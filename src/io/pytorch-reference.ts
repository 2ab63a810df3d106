import { noGrad } from '../autograd/graph.js';
import { addScalars, weightedSum } from '../autograd/ops.js';
import { FormatError } from '../errors.js';
import { gru, lstm, rnn } from '../nn/layers/factories.js';
import type { RecurrentLayer, RecurrentState } from '../nn/layers/recurrent.js';
import { formatShape, sameShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * PyTorch reference cases: a recurrent layer's config, state dict, input and initial state,
 * with PyTorch's outputs and the gradients of a linear loss (format in
 * test/fixtures/pytorch/FORMAT.md). `runReferenceCase` rebuilds the layer in recur, loads
 * the weights by name and compares every number.
 */

export interface JsonTensor {
  shape: number[];
  data: number[];
}

export interface ReferenceConfig {
  mode: 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
  input_size: number;
  hidden_size: number;
  num_layers: number;
  bias: boolean;
  batch_first: boolean;
  bidirectional: boolean;
  with_h0: boolean;
  seq_len: number;
  batch: number;
  proj_size?: number;
  lengths?: number[];
}

export interface ReferenceCase {
  name: string;
  config: ReferenceConfig;
  state_dict: Record<string, JsonTensor>;
  input: JsonTensor;
  h0: JsonTensor | null;
  c0: JsonTensor | null;
  output: JsonTensor;
  h_n: JsonTensor;
  c_n: JsonTensor | null;
  loss_weights: { G_output: JsonTensor; G_h_n: JsonTensor; G_c_n?: JsonTensor | null };
  loss: number;
  grads: { input: JsonTensor; h0: JsonTensor | null; c0: JsonTensor | null; params: Record<string, JsonTensor> };
}

export interface Comparison {
  /** What was compared, e.g. 'output' or 'grad weight_hh_l0'. */
  what: string;
  /** Largest absolute difference (Infinity when shapes differ). */
  error: number;
  tolerance: number;
  /** Set when the shapes differ. */
  problem?: string;
}

export interface ReferenceResult {
  name: string;
  passed: boolean;
  /** Largest error among forward values and among gradients. */
  forwardError: number;
  gradError: number;
  comparisons: Comparison[];
}

const MODES = ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU'];

/** Checks the structure of a parsed case file; `source` names it in errors. */
export function parseReferenceCase(json: unknown, source: string): ReferenceCase {
  const fail = (msg: string): never => {
    throw new FormatError(`${source}: ${msg}`);
  };
  if (typeof json !== 'object' || json === null) fail('not a JSON object');
  const c = json as Record<string, unknown>;
  const cfg = c.config as Record<string, unknown> | undefined;
  if (typeof cfg !== 'object' || cfg === null) fail("missing 'config'");
  if (!MODES.includes(cfg!.mode as string)) fail(`config.mode must be one of ${MODES.join(', ')}, got ${String(cfg!.mode)}`);
  for (const k of ['input_size', 'hidden_size', 'num_layers', 'seq_len', 'batch']) {
    if (!Number.isInteger(cfg![k]) || (cfg![k] as number) < 1) fail(`config.${k} must be a positive integer`);
  }
  const tensor = (v: unknown, where: string, nullable: boolean): JsonTensor | null => {
    if (v === null || v === undefined) {
      if (nullable) return null;
      return fail(`missing tensor '${where}'`);
    }
    const t = v as Record<string, unknown>;
    if (!Array.isArray(t.shape) || !Array.isArray(t.data)) fail(`'${where}' must be {shape, data}`);
    const shape = t.shape as number[];
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`'${where}' has a bad shape ${JSON.stringify(shape)}`);
    if ((t.data as unknown[]).length !== sizeOf(shape)) {
      fail(`'${where}' has ${(t.data as unknown[]).length} values for shape ${formatShape(shape)}`);
    }
    if ((t.data as unknown[]).some((x) => typeof x !== 'number')) fail(`'${where}' holds a non-number`);
    return { shape, data: t.data as number[] };
  };
  const dict = (v: unknown, where: string): Record<string, JsonTensor> => {
    if (typeof v !== 'object' || v === null) return fail(`missing '${where}'`);
    return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, tensor(t, `${where}.${k}`, false)!]));
  };
  const lw = c.loss_weights as Record<string, unknown> | undefined;
  const grads = c.grads as Record<string, unknown> | undefined;
  if (!lw) fail("missing 'loss_weights'");
  if (!grads) fail("missing 'grads'");
  if (typeof c.loss !== 'number') fail("'loss' must be a number");
  return {
    name: typeof c.name === 'string' ? c.name : source,
    config: cfg as unknown as ReferenceConfig,
    state_dict: dict(c.state_dict, 'state_dict'),
    input: tensor(c.input, 'input', false)!,
    h0: tensor(c.h0, 'h0', true),
    c0: tensor(c.c0, 'c0', true),
    output: tensor(c.output, 'output', false)!,
    h_n: tensor(c.h_n, 'h_n', false)!,
    c_n: tensor(c.c_n, 'c_n', true),
    loss_weights: {
      G_output: tensor(lw!.G_output, 'loss_weights.G_output', false)!,
      G_h_n: tensor(lw!.G_h_n, 'loss_weights.G_h_n', false)!,
      G_c_n: tensor(lw!.G_c_n, 'loss_weights.G_c_n', true),
    },
    loss: c.loss as number,
    grads: {
      input: tensor(grads!.input, 'grads.input', false)!,
      h0: tensor(grads!.h0, 'grads.h0', true),
      c0: tensor(grads!.c0, 'grads.c0', true),
      params: dict(grads!.params, 'grads.params'),
    },
  };
}

/** The recur layer a case describes. */
export function layerForCase(cfg: ReferenceConfig): RecurrentLayer<RecurrentState> {
  const common = {
    inputSize: cfg.input_size,
    hiddenSize: cfg.hidden_size,
    numLayers: cfg.num_layers,
    bias: cfg.bias,
    batchFirst: cfg.batch_first,
    bidirectional: cfg.bidirectional,
  };
  switch (cfg.mode) {
    case 'LSTM':
      return lstm({ ...common, projSize: cfg.proj_size ?? 0 });
    case 'GRU':
      return gru(common);
    default:
      return rnn({ ...common, nonlinearity: cfg.mode === 'RNN_RELU' ? 'relu' : 'tanh' });
  }
}

/**
 * Runs a case forward and backward in recur and compares output, h_n, c_n (with gradients
 * on, and again at inference), the loss and the gradients of input, h0, c0 and every
 * parameter with PyTorch's.
 */
export function runReferenceCase(
  c: ReferenceCase,
  tolerances: { forward?: number; grad?: number } = {},
): ReferenceResult {
  const fTol = tolerances.forward ?? 1e-5;
  const gTol = tolerances.grad ?? 1e-4;
  const layer = layerForCase(c.config);
  layer.loadStateDict(c.state_dict);
  const x = new Tensor(c.input.data, c.input.shape, { requiresGrad: true });
  let state: RecurrentState | undefined;
  if (c.h0) {
    const h = new Tensor(c.h0.data, c.h0.shape, { requiresGrad: true });
    state = c.c0 ? { h, c: new Tensor(c.c0.data, c.c0.shape, { requiresGrad: true }) } : { h };
  }
  const { output, state: final } = layer.forward(x, state, c.config.lengths ? { lengths: c.config.lengths } : {});
  const terms = [
    weightedSum(output, Float32Array.from(c.loss_weights.G_output.data)),
    weightedSum(final.h, Float32Array.from(c.loss_weights.G_h_n.data)),
  ];
  if (final.c && c.loss_weights.G_c_n) terms.push(weightedSum(final.c, Float32Array.from(c.loss_weights.G_c_n.data)));
  const loss = addScalars(terms);
  loss.backward();

  const comparisons: Comparison[] = [];
  const compare = (what: string, actual: { shape: readonly number[]; data: ArrayLike<number> } | null, expected: JsonTensor | null, tol: number) => {
    if (expected === null) return;
    if (actual === null) {
      comparisons.push({ what, error: Infinity, tolerance: tol, problem: 'recur produced nothing' });
      return;
    }
    if (!sameShape(actual.shape, expected.shape)) {
      comparisons.push({ what, error: Infinity, tolerance: tol, problem: `shape ${formatShape(actual.shape)} vs PyTorch ${formatShape(expected.shape)}` });
      return;
    }
    let err = 0;
    for (let i = 0; i < expected.data.length; i++) {
      const d = Math.abs(actual.data[i]! - expected.data[i]!);
      if (!(d <= err)) err = Number.isNaN(d) ? Infinity : d;
    }
    comparisons.push({ what, error: err, tolerance: tol });
  };
  const gradOf = (t: Tensor | undefined) => (t ? { shape: t.shape, data: t.grad ?? new Float32Array(t.size) } : null);

  compare('output', output, c.output, fTol);
  compare('h_n', final.h, c.h_n, fTol);
  compare('c_n', final.c ?? null, c.c_n, fTol);
  // The same forward at inference, which takes other paths (no saved state; the directions
  // of a bidirectional layer write straight into the joined output).
  const inference = noGrad(() => layer.forward(x, state, c.config.lengths ? { lengths: c.config.lengths } : {}));
  compare('output (inference)', inference.output, c.output, fTol);
  compare('h_n (inference)', inference.state.h, c.h_n, fTol);
  compare('c_n (inference)', inference.state.c ?? null, c.c_n, fTol);
  // The loss sums many terms: allow the sum of the per-element tolerance budget, capped.
  compare('loss', { shape: [], data: [loss.data[0]!] }, { shape: [], data: [c.loss] }, fTol * 10);
  compare('grad input', gradOf(x), c.grads.input, gTol);
  compare('grad h0', gradOf(state?.h), c.grads.h0, gTol);
  compare('grad c0', gradOf(state?.c), c.grads.c0, gTol);
  const params = layer.stateDict();
  for (const [name, g] of Object.entries(c.grads.params)) {
    compare(`grad ${name}`, gradOf(params[name]), g, gTol);
  }
  const isGrad = (cmp: Comparison) => cmp.what.startsWith('grad');
  const maxOf = (xs: Comparison[]) => xs.reduce((m, cmp) => Math.max(m, cmp.error), 0);
  return {
    name: c.name,
    passed: comparisons.every((cmp) => cmp.error <= cmp.tolerance),
    forwardError: maxOf(comparisons.filter((cmp) => !isGrad(cmp))),
    gradError: maxOf(comparisons.filter(isGrad)),
    comparisons,
  };
}

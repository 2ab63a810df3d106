import { OptionError } from '../../errors.js';
import type { CellMode } from '../../kernels/types.js';
import type { Rng } from '../../tensor/random.js';
import { boolOption, choiceOption, intOption, rangeOption, rejectUnknownOptions } from '../../options.js';

/** Options shared by `rnn`, `lstm` and `gru` (camelCase of PyTorch's names). */
export interface RecurrentOptions {
  /** Features of each input step. */
  inputSize: number;
  /** Units in the hidden (and cell) state. */
  hiddenSize: number;
  /** Stacked layers; layer l > 0 reads the output of layer l-1. Default 1. */
  numLayers?: number;
  /** Whether the cells have the biases b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output as [batch, seq, features] instead of [seq, batch, features]. Default false. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode only. Default 0. */
  dropout?: number;
  /** A second direction reading the sequence backwards; outputs are concatenated [fwd, rev]. Default false. */
  bidirectional?: boolean;
  /** Seed (or generator) for initialisation and dropout masks. Default 0. */
  seed?: number | Rng;
  /** 'uniform' (PyTorch default, U(-1/sqrt(H), 1/sqrt(H))) or 'orthogonal' for each gate block of W_hh. */
  recurrentInit?: 'uniform' | 'orthogonal';
  /**
   * Variational (recurrent) dropout, Gal & Ghahramani 2016: in training mode, one mask per
   * sequence, layer and direction (drawn from the layer's generator) on the layer's input and
   * one on h_{t-1} where it enters W_hh, the same at every step. Off at evaluation. In [0, 1),
   * default 0. (`step()` in training mode draws fresh masks at each call.)
   */
  recurrentDropout?: number;
  /**
   * Zoneout, Krueger et al. 2016: in training mode each unit of h (and of c for LSTM, with its
   * own mask) keeps its previous value with probability p at each step; at evaluation
   * h_t = p h_{t-1} + (1 - p) h~_t, the expectation (as the paper). In [0, 1), default 0.
   */
  zoneout?: number;
}

export interface RnnOptions extends RecurrentOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

export interface LstmOptions extends RecurrentOptions {
  /** Size of a learned projection of h (PyTorch proj_size); 0 = none. Default 0. */
  projSize?: number;
  /**
   * Initial value of the forget-gate bias (put in b_ih; b_hh's forget block is 0), e.g. 1 as
   * Jozefowicz et al. 2015 recommend. Default: PyTorch's uniform initialisation.
   */
  forgetBias?: number;
  /** Peephole connections (ONNX P): i and f read c_{t-1}, o reads c_t; adds `weight_p_l{k}` [3H], order i, f, o. Default false. */
  peephole?: boolean;
  /** Coupled input and forget gates, f = 1 - i (ONNX input_forget=1). Default false. */
  coupleInputForget?: boolean;
  /** Clip every gate pre-activation to [-clip, clip] (ONNX clip); a number > 0. Default none. */
  clip?: number;
  /**
   * Layer-normalised LSTM (Ba et al. 2016): layer norm on x W_ih^T and on h W_hh^T (each over
   * all 4H gate values) and on c_t before its tanh; adds `ln_ih_weight/bias_l{k}` [4H],
   * `ln_hh_weight/bias_l{k}` [4H], `ln_c_weight/bias_l{k}` [H] (gains 1, biases 0). Default false.
   */
  layerNorm?: boolean;
}

export interface GruOptions extends RecurrentOptions {
  /**
   * true (default): PyTorch's GRU, reset gate applied to W_hn h + b_hn (ONNX linear_before_reset=1,
   * Keras reset_after=True). false: reset gate applied to h before the product (ONNX
   * linear_before_reset=0, Keras reset_after=False, tfjs), a different model.
   */
  resetAfter?: boolean;
  /** Clip every gate pre-activation to [-clip, clip] (ONNX clip); a number > 0. Default none. */
  clip?: number;
  /** Layer norm on x W_ih^T and h W_hh^T (over all 3H values); adds `ln_ih_*`, `ln_hh_*` [3H]. Needs resetAfter. Default false. */
  layerNorm?: boolean;
}

/** Every option resolved to its value. */
export interface ResolvedRecurrentOptions {
  mode: CellMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  projSize: number;
  recurrentInit: 'uniform' | 'orthogonal';
  forgetBias: number | null;
  /** Cell variants (all off by default; see LstmOptions/GruOptions). */
  peephole: boolean;
  coupleInputForget: boolean;
  /** null = no clipping */
  clip: number | null;
  resetAfter: boolean;
  layerNorm: boolean;
  recurrentDropout: number;
  zoneout: number;
}

const COMMON = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'seed', 'recurrentInit', 'recurrentDropout', 'zoneout'];
const PER_KIND = {
  rnn: ['nonlinearity'],
  lstm: ['projSize', 'forgetBias', 'peephole', 'coupleInputForget', 'clip', 'layerNorm'],
  gru: ['resetAfter', 'clip', 'layerNorm'],
} as const;

/** Checks and fills in defaults; `what` names the factory in error messages. */
export function resolveRecurrentOptions(
  kind: 'rnn' | 'lstm' | 'gru',
  options: RnnOptions & LstmOptions & GruOptions,
): ResolvedRecurrentOptions {
  const what = kind;
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`${what}: expected an options object such as { inputSize: 8, hiddenSize: 16 }`);
  }
  const allowed = [...COMMON, ...PER_KIND[kind]];
  rejectUnknownOptions(what, options, allowed);
  const hiddenSize = intOption(what, 'hiddenSize', options.hiddenSize);
  const projSize = options.projSize === undefined ? 0 : intOption(what, 'projSize', options.projSize, 0);
  if (projSize >= hiddenSize && projSize !== 0) {
    throw new OptionError(`${what}: projSize must be smaller than hiddenSize (${hiddenSize}), got ${projSize}`);
  }
  const nonlinearity = choiceOption(what, 'nonlinearity', options.nonlinearity, ['tanh', 'relu'] as const, 'tanh');
  const mode: CellMode = kind === 'rnn' ? (nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh') : kind;
  const variants = resolveVariants(what, options, projSize);
  return {
    ...variants,
    mode,
    inputSize: intOption(what, 'inputSize', options.inputSize),
    hiddenSize,
    numLayers: options.numLayers === undefined ? 1 : intOption(what, 'numLayers', options.numLayers),
    bias: boolOption(what, 'bias', options.bias, true),
    batchFirst: boolOption(what, 'batchFirst', options.batchFirst, false),
    dropout: options.dropout === undefined ? 0 : rangeOption(what, 'dropout', options.dropout, 0, 1),
    bidirectional: boolOption(what, 'bidirectional', options.bidirectional, false),
    projSize,
    recurrentInit: choiceOption(what, 'recurrentInit', options.recurrentInit, ['uniform', 'orthogonal'] as const, 'uniform'),
    forgetBias:
      options.forgetBias === undefined ? null : rangeOption(what, 'forgetBias', options.forgetBias, -100, 100, true),
  };
}

type VariantFields = Pick<ResolvedRecurrentOptions, 'peephole' | 'coupleInputForget' | 'clip' | 'resetAfter' | 'layerNorm' | 'recurrentDropout' | 'zoneout'>;

/** The cell-variant options, checked against each other (unknown keys were rejected per cell type). */
function resolveVariants(what: string, options: LstmOptions & GruOptions, projSize: number): VariantFields {
  const clip = options.clip;
  if (clip !== undefined && !(typeof clip === 'number' && Number.isFinite(clip) && clip > 0)) {
    throw new OptionError(`${what}: clip must be a finite number > 0, got ${String(clip)}`);
  }
  const v: VariantFields = {
    peephole: boolOption(what, 'peephole', options.peephole, false),
    coupleInputForget: boolOption(what, 'coupleInputForget', options.coupleInputForget, false),
    clip: clip ?? null,
    resetAfter: boolOption(what, 'resetAfter', options.resetAfter, true),
    layerNorm: boolOption(what, 'layerNorm', options.layerNorm, false),
    recurrentDropout: options.recurrentDropout === undefined ? 0 : rangeOption(what, 'recurrentDropout', options.recurrentDropout, 0, 1),
    zoneout: options.zoneout === undefined ? 0 : rangeOption(what, 'zoneout', options.zoneout, 0, 1),
  };
  if (v.layerNorm && !v.resetAfter) {
    throw new OptionError(`${what}: layerNorm needs resetAfter: true (the reset-before GRU's recurrent product depends on r, so it cannot be normalised with the other gates)`);
  }
  const on = (Object.keys(v) as (keyof VariantFields)[]).filter((k) => (k === 'resetAfter' ? !v[k] : k === 'clip' ? v[k] !== null : v[k] !== false && v[k] !== 0));
  if (projSize > 0 && on.length > 0) {
    throw new OptionError(`${what}: projSize cannot be combined with the cell variant option(s) ${on.join(', ')}`);
  }
  return v;
}

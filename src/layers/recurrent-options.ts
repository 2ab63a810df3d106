import { OptionError } from '../errors.js';
import type { CellMode } from '../kernels/types.js';
import type { Rng } from '../tensor/random.js';
import { boolOption, choiceOption, intOption, rangeOption, rejectUnknownOptions } from '../options.js';

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
}

export type GruOptions = RecurrentOptions;

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
}

const COMMON = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'seed', 'recurrentInit'];

/** Checks and fills in defaults; `what` names the factory in error messages. */
export function resolveRecurrentOptions(
  kind: 'rnn' | 'lstm' | 'gru',
  options: RnnOptions & LstmOptions,
): ResolvedRecurrentOptions {
  const what = kind;
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`${what}: expected an options object such as { inputSize: 8, hiddenSize: 16 }`);
  }
  const allowed = [...COMMON, ...(kind === 'rnn' ? ['nonlinearity'] : []), ...(kind === 'lstm' ? ['projSize', 'forgetBias'] : [])];
  rejectUnknownOptions(what, options, allowed);
  const hiddenSize = intOption(what, 'hiddenSize', options.hiddenSize);
  const projSize = options.projSize === undefined ? 0 : intOption(what, 'projSize', options.projSize, 0);
  if (projSize >= hiddenSize && projSize !== 0) {
    throw new OptionError(`${what}: projSize must be smaller than hiddenSize (${hiddenSize}), got ${projSize}`);
  }
  const nonlinearity = choiceOption(what, 'nonlinearity', options.nonlinearity, ['tanh', 'relu'] as const, 'tanh');
  const mode: CellMode = kind === 'rnn' ? (nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh') : kind;
  return {
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

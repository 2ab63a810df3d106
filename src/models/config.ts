import type { Rng } from '../tensor/random.js';
import { gru, lstm, rnn } from '../layers/factories.js';
import type { RecurrentLayer, RecurrentState } from '../layers/recurrent.js';

/** The recurrent part of a model, as saved in a checkpoint's config.json. */
export interface RecurrentConfig {
  cell: 'lstm' | 'gru' | 'rnn';
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  bidirectional?: boolean;
  /** LSTM forget-gate bias at initialisation (null/undefined: PyTorch's default). */
  forgetBias?: number | null;
}

/** Builds the recurrent layer a config describes, reading [seq, batch, inputSize]. */
export function buildRecurrent(cfg: RecurrentConfig, inputSize: number, seed: number | Rng): RecurrentLayer<RecurrentState> {
  const common = {
    inputSize,
    hiddenSize: cfg.hiddenSize,
    numLayers: cfg.numLayers,
    dropout: cfg.numLayers > 1 ? cfg.dropout : 0,
    bidirectional: cfg.bidirectional ?? false,
    seed,
  };
  if (cfg.cell === 'lstm') {
    return lstm(cfg.forgetBias === undefined || cfg.forgetBias === null ? common : { ...common, forgetBias: cfg.forgetBias });
  }
  if (cfg.cell === 'gru') return gru(common);
  return rnn(common);
}

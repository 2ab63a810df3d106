import { OptionError } from '../errors.js';
import type { Rng } from '../tensor/random.js';
import { gru, lstm, rnn } from '../nn/layers/factories.js';
import type { RecurrentLayer, RecurrentState } from '../nn/layers/recurrent.js';

/** The recurrent part of a model, as saved in a checkpoint's config.json. */
export interface RecurrentConfig {
  cell: 'lstm' | 'gru' | 'rnn';
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  bidirectional?: boolean;
  /** LSTM forget-gate bias at initialisation (null/undefined: PyTorch's default). */
  forgetBias?: number | null;
  /** Layer-normalised LSTM/GRU cells (see LstmOptions.layerNorm). Default false. */
  layerNorm?: boolean;
  /** Variational dropout on each layer's input and recurrent state, training only. Default 0. */
  recurrentDropout?: number;
  /** Zoneout probability (see RecurrentOptions.zoneout). Default 0. */
  zoneout?: number;
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
    // Cell variants only when asked, so configs without them build exactly what they did.
    ...(cfg.recurrentDropout ? { recurrentDropout: cfg.recurrentDropout } : {}),
    ...(cfg.zoneout ? { zoneout: cfg.zoneout } : {}),
  };
  const norm = cfg.layerNorm ? { layerNorm: true } : {};
  if (cfg.cell === 'lstm') {
    return lstm(cfg.forgetBias === undefined || cfg.forgetBias === null ? { ...common, ...norm } : { ...common, ...norm, forgetBias: cfg.forgetBias });
  }
  if (cfg.cell === 'gru') return gru({ ...common, ...norm });
  if (cfg.layerNorm) throw new OptionError('layerNorm is for LSTM and GRU cells, not rnn');
  return rnn(common);
}

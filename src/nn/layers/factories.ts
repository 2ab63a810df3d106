import { RecurrentLayer, type LstmState, type RecurrentState } from './recurrent.js';
import {
  resolveRecurrentOptions,
  type GruOptions,
  type LstmOptions,
  type RnnOptions,
} from './recurrent-options.js';

/**
 * Elman RNN layer, h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu), as torch.nn.RNN.
 *
 * @example
 * const layer = rnn({ inputSize: 4, hiddenSize: 16, nonlinearity: 'relu', seed: 7 });
 */
export function rnn(options: RnnOptions): RecurrentLayer<RecurrentState> {
  return new RecurrentLayer(resolveRecurrentOptions('rnn', options), options.seed);
}

/**
 * LSTM layer (gates i, f, g, o; optional projection), as torch.nn.LSTM.
 *
 * @example
 * const layer = lstm({ inputSize: 64, hiddenSize: 256, numLayers: 2, batchFirst: true, seed: 42 });
 * const { output, state } = layer.forward(x);          // x: [batch, seq, 64]; state: { h, c }
 */
export function lstm(options: LstmOptions): RecurrentLayer<LstmState> {
  return new RecurrentLayer<LstmState>(resolveRecurrentOptions('lstm', options), options.seed);
}

/**
 * GRU layer (gates r, z, n; reset applied to W_hn h + b_hn), as torch.nn.GRU.
 *
 * @example
 * const layer = gru({ inputSize: 1, hiddenSize: 32, bidirectional: true, seed: 3 });
 */
export function gru(options: GruOptions): RecurrentLayer<RecurrentState> {
  return new RecurrentLayer(resolveRecurrentOptions('gru', options), options.seed);
}

// recur models of the workloads (same seed in every process, so peers that take weights
// load exactly these) and the Tensor inputs.
import { gru, lstm, rnn, Tensor, type RecurrentLayer, type RecurrentState } from '../src/index.js';
import { MODEL_SEED, makeInput, type Workload } from './workloads.js';

export function buildLayer(wl: Workload): RecurrentLayer<RecurrentState> {
  const options = {
    inputSize: wl.inputSize,
    hiddenSize: wl.hiddenSize,
    numLayers: wl.numLayers,
    bidirectional: wl.bidirectional,
    seed: MODEL_SEED,
  };
  if (wl.cell === 'lstm') return lstm(options);
  if (wl.cell === 'gru') return gru(options);
  return rnn({ ...options, nonlinearity: 'tanh' });
}

/** The workload input as a recur Tensor [seq, batch, inputSize]. */
export function inputTensor(wl: Workload): Tensor {
  return new Tensor(makeInput(wl), [wl.seq, wl.batch, wl.inputSize]);
}

/** Parameters by PyTorch name (weight_ih_l0, weight_hh_l0_reverse, ...) as Float32Arrays. */
export function layerWeights(layer: RecurrentLayer<RecurrentState>): Map<string, Float32Array> {
  return new Map(layer.namedParameters().map(([name, t]) => [name, t.data]));
}

import { Module } from '../autograd/module.js';
import { timeStep } from '../autograd/nn-ops.js';
import { swapAxes01 } from '../autograd/ops.js';
import { Linear } from '../layers/linear.js';
import type { RecurrentLayer, RecurrentState } from '../layers/recurrent.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildRecurrent, type RecurrentConfig } from './config.js';

export interface ForecasterConfig extends RecurrentConfig {
  /** Features per step (the target first, then any extra columns). */
  inputSize: number;
  /** Steps predicted at once from each window. */
  horizon: number;
}

/**
 * Time-series forecaster: recurrent layers read a window of past steps; a linear head on
 * the last step's output predicts the next `horizon` values of the target (direct
 * multi-step forecasting). Submodules `rnn`, `fc`.
 */
export class Forecaster extends Module {
  readonly config: ForecasterConfig;
  readonly rnn: RecurrentLayer<RecurrentState>;
  readonly fc: Linear;

  constructor(config: ForecasterConfig, seed = 0) {
    super();
    this.config = { ...config, bidirectional: false };
    const rng = new Rng(seed);
    this.rnn = this.addModule('rnn', buildRecurrent(this.config, config.inputSize, rng));
    this.fc = this.addModule('fc', new Linear({ inFeatures: config.hiddenSize, outFeatures: config.horizon, seed: rng }));
  }

  /** x [batch, window, inputSize] -> [batch, horizon] (scaled units). */
  forward(x: Tensor): Tensor {
    const xs = swapAxes01(x);
    const out = this.rnn.forward(xs).output;
    return this.fc.forward(timeStep(out, out.shape[0]! - 1));
  }
}

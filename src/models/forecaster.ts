import { Module } from '../nn/module.js';
import { timeStep } from '../autograd/nn-ops.js';
import { add, lastStepsFlat, swapAxes01 } from '../autograd/ops.js';
import { OptionError, ShapeError } from '../errors.js';
import { Linear } from '../nn/layers/linear.js';
import type { RecurrentLayer, RecurrentState } from '../nn/layers/recurrent.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildRecurrent, type RecurrentConfig } from './config.js';

export interface ForecasterConfig extends RecurrentConfig {
  /** Features per step (the target first, then any extra columns). */
  inputSize: number;
  /** Steps predicted at once from each window. */
  horizon: number;
  /**
   * Last steps of the window that a linear term reads, its output added to the head's
   * (LSTNet's highway, Lai et al. 2018): a linear autoregression beside the network, for
   * series dominated by trend and season. 0 or absent: none.
   */
  highway?: number;
}

/**
 * Time-series forecaster: recurrent layers read a window of past steps; a linear head on
 * the last step's output predicts the next `horizon` values of the target (direct
 * multi-step forecasting). Submodules `rnn`, `fc`, and `highway` when configured:
 * in PyTorch, `fc(h_last) + highway(x[:, -k:].flatten(1))`.
 */
export class Forecaster extends Module {
  readonly config: ForecasterConfig;
  readonly rnn: RecurrentLayer<RecurrentState>;
  readonly fc: Linear;
  readonly highway: Linear | null;

  constructor(config: ForecasterConfig, seed = 0) {
    super();
    const k = config.highway ?? 0;
    if (!Number.isInteger(k) || k < 0) throw new OptionError(`Forecaster: highway must be a whole number of steps >= 0, got ${k}`);
    this.config = { ...config, bidirectional: false };
    const rng = new Rng(seed);
    this.rnn = this.addModule('rnn', buildRecurrent(this.config, config.inputSize, rng));
    this.fc = this.addModule('fc', new Linear({ inFeatures: config.hiddenSize, outFeatures: config.horizon, seed: rng }));
    // Created after fc, so models without it draw the same initial weights as before.
    this.highway = k > 0 ? this.addModule('highway', new Linear({ inFeatures: k * config.inputSize, outFeatures: config.horizon, seed: rng })) : null;
  }

  /** x [batch, window, inputSize] -> [batch, horizon] (scaled units). */
  forward(x: Tensor): Tensor {
    const k = this.config.highway ?? 0;
    if (k > 0 && x.shape[1]! < k) {
      throw new ShapeError(`Forecaster: the highway reads the last ${k} steps, but the window has ${x.shape[1]}`);
    }
    const xs = swapAxes01(x);
    const out = this.rnn.forward(xs).output;
    const y = this.fc.forward(timeStep(out, out.shape[0]! - 1));
    return this.highway ? add(y, this.highway.forward(lastStepsFlat(x, k))) : y;
  }
}

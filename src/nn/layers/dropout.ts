import { Module } from '../module.js';
import { dropout } from '../../autograd/ops.js';
import { rangeOption } from '../../options.js';
import { toRng, type Rng } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Inverted dropout as a module: active in training mode only (torch.nn.Dropout). */
export class Dropout extends Module {
  readonly p: number;
  private readonly rng: Rng;

  constructor(p = 0.5, seed?: number | Rng) {
    super();
    this.p = rangeOption('Dropout', 'p', p, 0, 1);
    this.rng = this.addRng('rng', toRng(seed));
  }

  forward(x: Tensor): Tensor {
    return this.training && this.p > 0 ? dropout(x, this.p, this.rng) : x;
  }
}

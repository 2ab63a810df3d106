import { Module } from '../module.js';
import { linear } from '../../autograd/nn-ops.js';
import { boolOption, intOption, rejectUnknownOptions } from '../../options.js';
import { fillUniform } from '../../tensor/init.js';
import { toRng, type Rng } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';

export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
  seed?: number | Rng;
}

/**
 * y = x W^T + b over the last axis, as torch.nn.Linear (weight [out, in], PyTorch's default
 * initialisation U(-1/sqrt(in), 1/sqrt(in)) for weight and bias).
 *
 * @example
 * const head = new Linear({ inFeatures: 256, outFeatures: 64, seed: 1 });
 * const y = head.forward(h);   // h [..., 256] -> y [..., 64]
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(options: LinearOptions) {
    super();
    rejectUnknownOptions('Linear', options, ['inFeatures', 'outFeatures', 'bias', 'seed']);
    const inF = intOption('Linear', 'inFeatures', options.inFeatures);
    const outF = intOption('Linear', 'outFeatures', options.outFeatures);
    const rng = toRng(options.seed);
    const bound = 1 / Math.sqrt(inF);
    this.weight = this.addParameter('weight', Tensor.zeros([outF, inF]));
    fillUniform(this.weight.data, bound, rng);
    this.bias = boolOption('Linear', 'bias', options.bias, true) ? this.addParameter('bias', Tensor.zeros([outF])) : null;
    if (this.bias) fillUniform(this.bias.data, bound, rng);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

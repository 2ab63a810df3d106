import { Module } from '../module.js';
import { layerNorm } from '../../autograd/nn-ops.js';
import { boolOption, intOption, rangeOption, rejectUnknownOptions } from '../../options.js';
import { Tensor } from '../../tensor/tensor.js';

export interface LayerNormOptions {
  /** Size of the last axis. */
  normalizedShape: number;
  /** Default 1e-5. */
  eps?: number;
  /** Learned gain (weight) and bias; default true. */
  elementwiseAffine?: boolean;
}

/**
 * Normalises the last axis to zero mean and unit variance, then scales and shifts
 * (torch.nn.LayerNorm: parameters `weight` = 1 and `bias` = 0 at start).
 */
export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  constructor(options: LayerNormOptions) {
    super();
    rejectUnknownOptions('LayerNorm', options, ['normalizedShape', 'eps', 'elementwiseAffine']);
    const d = intOption('LayerNorm', 'normalizedShape', options.normalizedShape);
    this.eps = options.eps === undefined ? 1e-5 : rangeOption('LayerNorm', 'eps', options.eps, 0, 1);
    const affine = boolOption('LayerNorm', 'elementwiseAffine', options.elementwiseAffine, true);
    this.weight = affine ? this.addParameter('weight', Tensor.full([d], 1)) : null;
    this.bias = affine ? this.addParameter('bias', Tensor.zeros([d])) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

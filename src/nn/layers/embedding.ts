import { Module } from '../module.js';
import { embedding } from '../../autograd/nn-ops.js';
import { intOption, rejectUnknownOptions } from '../../options.js';
import { toRng, type Rng } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';

export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  seed?: number | Rng;
}

/**
 * A lookup table of vectors, as torch.nn.Embedding (weight [num, dim], initialised N(0, 1)).
 *
 * @example
 * const emb = new Embedding({ numEmbeddings: 90, embeddingDim: 32 });
 * const x = emb.forward(Int32Array.from([3, 7, 1]), [3]);   // [3, 32]
 */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(options: EmbeddingOptions) {
    super();
    rejectUnknownOptions('Embedding', options, ['numEmbeddings', 'embeddingDim', 'seed']);
    const num = intOption('Embedding', 'numEmbeddings', options.numEmbeddings);
    const dim = intOption('Embedding', 'embeddingDim', options.embeddingDim);
    const rng = toRng(options.seed);
    this.weight = this.addParameter('weight', Tensor.zeros([num, dim]));
    for (let i = 0; i < this.weight.size; i++) this.weight.data[i] = rng.normal();
  }

  /** ids of shape `shape` -> [...shape, dim]. */
  forward(ids: Int32Array, shape: readonly number[] = [ids.length]): Tensor {
    return embedding(ids, shape, this.weight);
  }
}

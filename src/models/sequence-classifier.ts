import { OptionError } from '../errors.js';
import { Module } from '../nn/module.js';
import { concatLast, select } from '../autograd/ops.js';
import { meanOverTime } from '../autograd/pool-ops.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import type { RecurrentLayer, RecurrentState } from '../nn/layers/recurrent.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildRecurrent, type RecurrentConfig } from './config.js';

export interface ClassifierConfig extends RecurrentConfig {
  /** Token vocabulary size (token input), or 0 for numeric sequences. */
  vocabSize: number;
  /** Embedding size for tokens (ignored for numeric input). */
  embeddingDim: number;
  /** Features per step for numeric sequences (ignored for tokens). */
  inputSize: number;
  numClasses: number;
  /**
   * What the head reads: 'last' (default), the final hidden state of the last layer; 'mean',
   * the last layer's outputs averaged over each sequence's own steps (every frame has a say,
   * not only what the state kept at the ends).
   */
  pooling?: 'last' | 'mean';
}

/**
 * Sequence classifier: (embedding ->) recurrent layers -> the final hidden state of the
 * last layer (both directions when bidirectional, each at the sequence's own end), or with
 * pooling 'mean' its outputs averaged over time -> linear head to class logits. Submodules `embedding` (tokens only), `rnn`, `fc`.
 */
export class SequenceClassifier extends Module {
  readonly config: ClassifierConfig;
  readonly embedding: Embedding | null;
  readonly rnn: RecurrentLayer<RecurrentState>;
  readonly fc: Linear;

  constructor(config: ClassifierConfig, seed = 0) {
    super();
    if (config.pooling !== undefined && config.pooling !== 'last' && config.pooling !== 'mean') {
      throw new OptionError(`SequenceClassifier: pooling must be 'last' or 'mean', got '${String(config.pooling)}'`);
    }
    this.config = { ...config };
    const rng = new Rng(seed);
    const tokens = config.vocabSize > 0;
    this.embedding = tokens
      ? this.addModule('embedding', new Embedding({ numEmbeddings: config.vocabSize, embeddingDim: config.embeddingDim, seed: rng }))
      : null;
    this.rnn = this.addModule('rnn', buildRecurrent(config, tokens ? config.embeddingDim : config.inputSize, rng));
    const D = config.bidirectional ? 2 : 1;
    this.fc = this.addModule('fc', new Linear({ inFeatures: D * config.hiddenSize, outFeatures: config.numClasses, seed: rng }));
  }

  /**
   * Token ids [T * B] time-major (or numeric x [T, B, inputSize]) with each sequence's
   * length -> logits [B, classes].
   */
  forward(input: Int32Array | Tensor, T: number, B: number, lengths: ArrayLike<number>): Tensor {
    const x = input instanceof Int32Array ? this.embedding!.forward(input, [T, B]) : input;
    const { output, state } = this.rnn.forward(x, undefined, { lengths });
    if (this.config.pooling === 'mean') return this.fc.forward(meanOverTime(output, lengths));
    const D = this.rnn.numDirections;
    const last = this.rnn.options.numLayers - 1;
    const finals = Array.from({ length: D }, (_, d) => select(state.h, last * D + d));
    return this.fc.forward(concatLast(finals));
  }
}

import { Module } from '../nn/module.js';
import { withEval } from '../nn/with-eval.js';
import { OptionError } from '../errors.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import type { RecurrentLayer, RecurrentState } from '../nn/layers/recurrent.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildRecurrent, type RecurrentConfig } from './config.js';

export interface CharLmConfig extends RecurrentConfig {
  vocabSize: number;
  embeddingDim: number;
  /**
   * Dropout on the recurrent output before the head, training only (Zaremba et al. 2014's
   * dropout on non-recurrent connections). Default 0.
   */
  outputDropout?: number;
}

export interface SampleOptions {
  /** Characters to generate. */
  length: number;
  /** Softmax temperature; lower is more conservative; 0 = greedy. Default 1. */
  temperature?: number;
  /** Sample among the k most likely only (0 = all). Default 0. */
  topK?: number;
  /** Ids fed first to set the state (the priming text). */
  prime?: Int32Array;
  rng?: Rng;
}

/**
 * Character language model: embedding -> recurrent layers -> linear head at every step.
 * Parameter names as a PyTorch module with submodules `embedding`, `rnn`, `fc`.
 */
export class CharLm extends Module {
  readonly config: CharLmConfig;
  readonly embedding: Embedding;
  readonly rnn: RecurrentLayer<RecurrentState>;
  readonly fc: Linear;
  readonly drop: Dropout | null;

  constructor(config: CharLmConfig, seed = 0) {
    super();
    if (config.bidirectional) throw new OptionError('CharLm: a language model reads left to right; bidirectional must be false');
    this.config = { ...config };
    const rng = new Rng(seed);
    this.embedding = this.addModule('embedding', new Embedding({ numEmbeddings: config.vocabSize, embeddingDim: config.embeddingDim, seed: rng }));
    this.rnn = this.addModule('rnn', buildRecurrent(config, config.embeddingDim, rng));
    this.fc = this.addModule('fc', new Linear({ inFeatures: config.hiddenSize, outFeatures: config.vocabSize, seed: rng }));
    // Only when asked: a model without it has exactly the modules (and RNG state) it had.
    const p = config.outputDropout ?? 0;
    this.drop = p > 0 ? this.addModule('drop', new Dropout(p, rng.nextUint32())) : null;
  }

  /** ids [T * B] time-major -> logits [T, B, vocab] and the state after the last step. */
  forward(ids: Int32Array, T: number, B: number, state?: RecurrentState): { logits: Tensor; state: RecurrentState } {
    const x = this.embedding.forward(ids, [T, B]);
    const out = this.rnn.forward(x, state);
    const h = this.drop ? this.drop.forward(out.output) : out.output;
    return { logits: this.fc.forward(h), state: out.state };
  }

  /** Generates ids one step at a time, carrying the state (no graph is recorded). */
  sample(options: SampleOptions): Int32Array {
    const rng = options.rng ?? new Rng(0);
    const temperature = options.temperature ?? 1;
    const topK = options.topK ?? 0;
    const V = this.config.vocabSize;
    const out = new Int32Array(options.length);
    return withEval(this, () => {
      let state: RecurrentState | undefined;
      let logits: Float32Array;
      const prime = options.prime && options.prime.length > 0 ? options.prime : Int32Array.of(0);
      ({ logits, state } = this.feed(prime, state));
      for (let i = 0; i < options.length; i++) {
        const next = pickNext(logits, V, temperature, topK, rng);
        out[i] = next;
        ({ logits, state } = this.feed(Int32Array.of(next), state));
      }
      return out;
    });
  }

  /** Runs ids through the model (batch 1) and returns the last step's logits. */
  private feed(ids: Int32Array, state: RecurrentState | undefined): { logits: Float32Array; state: RecurrentState } {
    const r = this.forward(ids, ids.length, 1, state);
    const V = this.config.vocabSize;
    return { logits: r.logits.data.slice((ids.length - 1) * V, ids.length * V), state: r.state };
  }
}

/** Draws an id from logits with temperature and top-k (temperature 0: the most likely). */
export function pickNext(logits: Float32Array, V: number, temperature: number, topK: number, rng: Rng): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (logits[j]! > logits[best]!) best = j;
  if (temperature === 0) return best;
  let allowed: number[] = [...Array(V).keys()];
  if (topK > 0 && topK < V) allowed = allowed.sort((a, b) => logits[b]! - logits[a]!).slice(0, topK);
  const max = logits[best]!;
  const weights = allowed.map((j) => Math.exp((logits[j]! - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.random() * total;
  for (let k = 0; k < allowed.length; k++) {
    u -= weights[k]!;
    if (u <= 0) return allowed[k]!;
  }
  return allowed[allowed.length - 1]!;
}

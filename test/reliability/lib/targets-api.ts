import { gru, lstm, rnn, Linear, Embedding, LayerNorm, Dropout, Tensor } from '../../../src/index.js';
import type { Module } from '../../../src/nn/module.js';
import type { FuzzTarget } from './harness.js';
import { HOSTILE_NUMBERS, mutateJson } from './mutate.js';
import type { Prng } from './rng.js';

/** One layer API call: a constructor with options, then forward/step with an input, state and lengths. */
interface LayerCase {
  factory: 'rnn' | 'lstm' | 'gru' | 'linear' | 'embedding' | 'layerNorm' | 'dropout';
  options: unknown;
  call: 'forward' | 'step' | 'zeroState' | 'loadStateDict';
  shape: number[];
  fill: number;
  state: unknown;
  lengths: unknown;
  dict: unknown;
}

const BASE: Record<LayerCase['factory'], Record<string, unknown>> = {
  rnn: { inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: 'relu', bidirectional: true, seed: 1 },
  lstm: { inputSize: 3, hiddenSize: 4, numLayers: 1, projSize: 2, forgetBias: 1, batchFirst: true, seed: 1 },
  gru: { inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5, bias: false, recurrentInit: 'orthogonal' },
  linear: { inFeatures: 3, outFeatures: 4 },
  embedding: { numEmbeddings: 5, embeddingDim: 3 },
  layerNorm: { normalizedShape: 3, eps: 1e-5 },
  dropout: { p: 0.5 },
};

/** A size that is small or hostile (never a merely large allocation that would succeed slowly). */
function dim(rng: Prng): number {
  return rng.chance(0.85) ? rng.int(0, 4) : (rng.pick(HOSTILE_NUMBERS.filter((n) => typeof n === 'number')) as number);
}

function tensorLike(rng: Prng, shape: number[], fill: number): unknown {
  if (rng.chance(0.05)) return rng.pick([null, undefined, 3, 'x', {}, [1, 2]]);
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(size) || size < 0 || size > 4096) return new Tensor(new Float32Array(4), [4]);
  try {
    return new Tensor(new Float32Array(size).fill(fill), shape);
  } catch {
    return { shape, data: new Float32Array(size) }; // not a Tensor: shape and data disagree
  }
}

export const layersTarget: FuzzTarget<LayerCase> = {
  name: 'layers',
  async setup() {
    return {
      generate(rng: Prng): LayerCase {
        const factory = rng.pick(Object.keys(BASE) as Array<LayerCase['factory']>);
        const options = rng.chance(0.5) ? mutateJson(rng, BASE[factory]) : BASE[factory];
        const shape = rng.chance(0.6) ? [rng.int(1, 3), rng.int(1, 3), rng.chance(0.8) ? 3 : dim(rng)] : Array.from({ length: rng.int(0, 4) }, () => dim(rng));
        const fill = rng.chance(0.85) ? 0.5 : rng.pick([NaN, Infinity, -Infinity, 1e38, -1e38, 1e-45]);
        const state = rng.chance(0.6) ? undefined : { h: tensorLike(rng, [rng.int(0, 4), shape[1] ?? 1, rng.pick([2, 4, 8])], rng.chance(0.8) ? 0 : NaN), c: rng.chance(0.5) ? undefined : tensorLike(rng, [2, shape[1] ?? 1, 4], 0) };
        const lengths = rng.chance(0.6) ? undefined : rng.chance(0.5) ? Array.from({ length: rng.int(0, 4) }, () => rng.pick([1, 2, 3, 0, -1, 1.5, NaN, 99])) : rng.pick([null, 'ab', 5, {}]);
        const dict = { weight: rng.pick([new Float32Array(3), new Tensor(new Float32Array(12), [4, 3]), null, 'x']), extra: 1 };
        return { factory, options, call: rng.pick(['forward', 'forward', 'step', 'zeroState', 'loadStateDict']), shape, fill, state, lengths, dict };
      },
      run(c: LayerCase) {
        const o = c.options as never;
        const layer: Module & { forward?: unknown } =
          c.factory === 'rnn' ? rnn(o) : c.factory === 'lstm' ? lstm(o) : c.factory === 'gru' ? gru(o)
            : c.factory === 'linear' ? new Linear(o) : c.factory === 'embedding' ? new Embedding(o)
              : c.factory === 'layerNorm' ? new LayerNorm(o) : new Dropout((c.options as { p?: number } | null)?.p, 1);
        const size = c.shape.reduce((a, b) => a * b, 1);
        if (!Number.isInteger(size) || size < 0 || size > 4096) return layer;
        if (c.call === 'loadStateDict') return layer.loadStateDict(c.dict as never);
        const x = new Tensor(new Float32Array(size).fill(c.fill), c.shape);
        if (c.factory === 'embedding') {
          const ids = Int32Array.from({ length: size }, (_, i) => (c.fill === 0.5 ? i % 5 : i * 1000 - 7));
          return (layer as Embedding).forward(ids, c.shape);
        }
        if (c.factory === 'linear' || c.factory === 'layerNorm' || c.factory === 'dropout') return (layer as Linear).forward(x);
        const r = layer as ReturnType<typeof gru>;
        if (c.call === 'zeroState') return r.zeroState(c.shape[0] ?? 0);
        if (c.call === 'step') return r.step(new Tensor(x.data, c.shape.slice(1)), c.state as never);
        const out = r.forward(x, c.state as never, { lengths: c.lengths as never, trace: c.fill === 0.5 });
        return out;
      },
      size: () => 4096 * 4,
    };
  },
};

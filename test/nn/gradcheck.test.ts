import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addScalars,
  gru,
  lstm,
  noGrad,
  rnn,
  Rng,
  Tensor,
  weightedSum,
  type RecurrentLayer,
  type RecurrentState,
} from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';

type Kind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
interface Variant {
  numLayers?: number;
  bidirectional?: boolean;
  projSize?: number;
  lengths?: number[];
  bias?: boolean;
  withState?: boolean;
  batchFirst?: boolean;
}

function build(kind: Kind, v: Variant): RecurrentLayer<RecurrentState> {
  const common = {
    inputSize: 3,
    hiddenSize: 4,
    numLayers: v.numLayers ?? 1,
    bidirectional: v.bidirectional ?? false,
    bias: v.bias ?? true,
    batchFirst: v.batchFirst ?? false,
    seed: 11,
  };
  if (kind === 'lstm') return lstm({ ...common, projSize: v.projSize ?? 0 });
  if (kind === 'gru') return gru(common);
  return rnn({ ...common, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' });
}

const variants: Array<[string, Variant]> = [
  ['plain', {}],
  ['2 layers bidirectional', { numLayers: 2, bidirectional: true }],
  ['lengths bidirectional', { bidirectional: true, lengths: [5, 2, 4] }],
  ['no bias, given state', { bias: false, withState: true }],
  ['batch-first, 2 layers, state, lengths', { batchFirst: true, numLayers: 2, withState: true, lengths: [3, 5, 1] }],
];
const projVariants: Array<[string, Variant]> = [
  ['projection', { projSize: 2 }],
  ['projection, 2 layers bidirectional, state', { projSize: 3, numLayers: 2, bidirectional: true, withState: true }],
];

for (const kind of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const) {
  for (const [label, v] of [...variants, ...(kind === 'lstm' ? projVariants : [])]) {
    test(`finite differences: ${kind}, ${label}`, () => {
      const rng = new Rng(1234);
      const layer = build(kind, v);
      const T = 5;
      const B = 3;
      const x = randomTensor(v.batchFirst ? [B, T, 3] : [T, B, 3], rng, 1, true);
      const n = layer.options.numLayers * layer.numDirections;
      const state: RecurrentState | undefined = v.withState
        ? kind === 'lstm'
          ? { h: randomTensor([n, B, layer.outSize], rng, 0.5, true), c: randomTensor([n, B, 4], rng, 0.5, true) }
          : { h: randomTensor([n, B, layer.outSize], rng, 0.5, true) }
        : undefined;
      const opts = v.lengths ? { lengths: v.lengths } : {};
      const first = noGrad(() => layer.forward(x, state, opts));
      const gOut = randomTensor(first.output.shape as number[], rng).data;
      const gH = randomTensor(first.state.h.shape as number[], rng).data;
      const gC = first.state.c ? randomTensor(first.state.c.shape as number[], rng).data : null;
      const lossTensor = () => {
        const r = layer.forward(x, state, opts);
        const terms = [weightedSum(r.output, gOut), weightedSum(r.state.h, gH)];
        if (r.state.c && gC) terms.push(weightedSum(r.state.c, gC));
        return addScalars(terms);
      };
      // float64 re-summation of the same loss for the finite differences
      const lossValue = () =>
        noGrad(() => {
          const r = layer.forward(x, state, opts);
          let s = 0;
          r.output.data.forEach((y, i) => (s += y * gOut[i]!));
          r.state.h.data.forEach((y, i) => (s += y * gH[i]!));
          if (r.state.c && gC) r.state.c.data.forEach((y, i) => (s += y * gC[i]!));
          return s;
        });
      layer.zeroGrad();
      lossTensor().backward();
      const wrt: Array<[string, Tensor]> = [['input', x], ...layer.namedParameters()];
      if (state) {
        wrt.push(['h0', state.h]);
        if (state.c) wrt.push(['c0', state.c]);
      }
      const analytic = new Map(wrt.map(([, t]) => [t, Float32Array.from(t.grad ?? new Float32Array(t.size))]));
      // Every tensor must have received a gradient (padding aside, none is identically zero).
      for (const [name, t] of wrt) assert.ok(t.grad !== null, `${name} got no gradient`);
      // relu: which units are switched off, in every layer, as seen by the trace
      const signature =
        kind === 'rnn_relu'
          ? () => noGrad(() => layer.forward(x, state, { ...opts, trace: true }).trace!.map((d) => d.h.data.map((h) => (h > 0 ? 1 : 0)).join('')).join('|'))
          : undefined;
      const failures = gradCheck(wrt, analytic, lossValue, rng, { signature });
      assert.deepEqual(failures, []);
    });
  }
}

test('padding positions get zero input gradient and zero output', () => {
  const rng = new Rng(5);
  const layer = lstm({ inputSize: 3, hiddenSize: 4, bidirectional: true, seed: 2 });
  const x = randomTensor([6, 2, 3], rng, 1, true);
  const { output } = layer.forward(x, undefined, { lengths: [6, 3] });
  weightedSum(output, randomTensor([6, 2, 8], rng).data).backward();
  for (let t = 3; t < 6; t++) {
    for (let k = 0; k < 8; k++) assert.equal(output.get(t, 1, k), 0);
    for (let k = 0; k < 3; k++) assert.equal(x.grad![(t * 2 + 1) * 3 + k], 0);
  }
  assert.notEqual(x.grad![(2 * 2 + 1) * 3], 0);
});

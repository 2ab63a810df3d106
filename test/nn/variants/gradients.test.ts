import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addScalars, gru, lstm, noGrad, rnn, Rng, Tensor, weightedSum, type RecurrentLayer, type RecurrentState } from '../../../src/index.js';
import type { GruOptions, LstmOptions, RnnOptions } from '../../../src/nn/layers/recurrent-options.js';
import { gradCheck, randomTensor } from '../../helpers/gradcheck.js';
import { randomizeParams } from './helpers.js';

/**
 * Finite differences for every variant: inputs, initial state and every parameter (peepholes
 * and layer-norm gains included). Masks of recurrent dropout and zoneout are replayed by
 * restoring the layer's generator before each forward, so every probe sees the same masks.
 */

type Kind = 'lstm' | 'gru' | 'rnn';
interface Case {
  kind: Kind;
  opts: Partial<LstmOptions & GruOptions & RnnOptions>;
  lengths?: number[];
  withState?: boolean;
  eval?: boolean;
}

const cases: Array<[string, Case]> = [
  ['LSTM peephole', { kind: 'lstm', opts: { peephole: true } }],
  ['LSTM coupled', { kind: 'lstm', opts: { coupleInputForget: true }, withState: true }],
  ['LSTM clip 0.9', { kind: 'lstm', opts: { clip: 0.9 } }],
  ['LSTM peephole+coupled+clip, bidirectional, 2 layers, lengths, state', { kind: 'lstm', opts: { peephole: true, coupleInputForget: true, clip: 0.8, bidirectional: true, numLayers: 2 }, lengths: [5, 2, 4], withState: true }],
  ['GRU reset before', { kind: 'gru', opts: { resetAfter: false }, withState: true }],
  ['GRU reset before + clip, bidirectional, lengths', { kind: 'gru', opts: { resetAfter: false, clip: 0.6, bidirectional: true }, lengths: [3, 5, 1] }],
  ['GRU reset after + clip', { kind: 'gru', opts: { clip: 0.9 }, withState: true }],
  ['LSTM layer norm', { kind: 'lstm', opts: { layerNorm: true }, withState: true }],
  ['LSTM layer norm, peephole, 2 layers bidirectional, lengths', { kind: 'lstm', opts: { layerNorm: true, peephole: true, numLayers: 2, bidirectional: true }, lengths: [5, 3, 1] }],
  ['GRU layer norm, lengths, state', { kind: 'gru', opts: { layerNorm: true }, lengths: [4, 5, 2], withState: true }],
  ['LSTM recurrent dropout 0.3, 2 layers', { kind: 'lstm', opts: { recurrentDropout: 0.3, numLayers: 2 }, withState: true }],
  ['GRU recurrent dropout 0.3, bidirectional, lengths', { kind: 'gru', opts: { recurrentDropout: 0.3, bidirectional: true }, lengths: [5, 4, 2] }],
  ['GRU reset before + recurrent dropout', { kind: 'gru', opts: { resetAfter: false, recurrentDropout: 0.4 }, withState: true }],
  ['RNN recurrent dropout 0.3', { kind: 'rnn', opts: { recurrentDropout: 0.3 }, withState: true }],
  ['LSTM zoneout 0.3 (training)', { kind: 'lstm', opts: { zoneout: 0.3 }, withState: true, lengths: [5, 3, 4] }],
  ['GRU zoneout 0.3 (training), bidirectional', { kind: 'gru', opts: { zoneout: 0.3, bidirectional: true } }],
  ['RNN zoneout 0.3 (training)', { kind: 'rnn', opts: { zoneout: 0.3 }, withState: true }],
  ['LSTM zoneout 0.3 (evaluation: expectation)', { kind: 'lstm', opts: { zoneout: 0.3 }, withState: true, eval: true }],
  ['LSTM everything: layer norm, peephole, clip, dropout, zoneout', { kind: 'lstm', opts: { layerNorm: true, peephole: true, clip: 1.5, recurrentDropout: 0.2, zoneout: 0.2 }, withState: true, lengths: [5, 5, 3] }],
];

function build(c: Case): RecurrentLayer<RecurrentState> {
  const base = { inputSize: 3, hiddenSize: 4, seed: 11, ...c.opts };
  if (c.kind === 'lstm') return lstm(base);
  if (c.kind === 'gru') return gru(base);
  return rnn(base);
}

/** Which gate values sit exactly at a clip bound (a kink of the clip): probes must not cross one. */
function clipSignature(layer: RecurrentLayer<RecurrentState>, run: () => { trace?: { gates: Record<string, Tensor> }[] }): (() => string) | undefined {
  const clip = layer.options.clip;
  if (clip === null) return undefined;
  const bounds = new Set([1 / (1 + Math.exp(-clip)), 1 / (1 + Math.exp(clip)), Math.tanh(clip), -Math.tanh(clip)].map(Math.fround));
  return () =>
    run()
      .trace!.map((d) => Object.values(d.gates).map((g) => Array.from(g.data, (v) => (bounds.has(v) ? 1 : 0)).join('')).join(''))
      .join('|');
}

for (const [label, c] of cases) {
  test(`finite differences: ${label}`, () => {
    const rng = new Rng(99);
    const layer = build(c);
    randomizeParams(layer, 'weight_p', 0.8, rng);
    randomizeParams(layer, 'ln_', 0.5, rng);
    for (const [name, t] of Object.entries(layer.stateDict())) if (name.includes('_weight_l')) t.data.forEach((v, i) => (t.data[i] = 1 + v));
    if (c.eval) layer.train(false);
    const T = 5, B = 3;
    const x = randomTensor([T, B, 3], rng, 1.5, true);
    const n = layer.options.numLayers * layer.numDirections;
    const H = layer.options.hiddenSize;
    const state: RecurrentState | undefined = c.withState
      ? c.kind === 'lstm'
        ? { h: randomTensor([n, B, H], rng, 0.5, true), c: randomTensor([n, B, H], rng, 0.5, true) }
        : { h: randomTensor([n, B, H], rng, 0.5, true) }
      : undefined;
    const opts = c.lengths ? { lengths: c.lengths } : {};
    const masks = layer.randomState();
    const forward = (trace = false) => {
      layer.setRandomState(masks); // the same dropout/zoneout masks for every probe
      return layer.forward(x, state, { ...opts, trace });
    };
    const first = noGrad(() => forward());
    const gOut = randomTensor([...first.output.shape], rng).data;
    const gH = randomTensor([...first.state.h.shape], rng).data;
    const gC = first.state.c ? randomTensor([...first.state.c.shape], rng).data : null;
    layer.zeroGrad();
    const r = forward();
    const terms = [weightedSum(r.output, gOut), weightedSum(r.state.h, gH)];
    if (r.state.c && gC) terms.push(weightedSum(r.state.c, gC));
    addScalars(terms).backward();
    const lossValue = () =>
      noGrad(() => {
        const o = forward();
        let s = 0;
        o.output.data.forEach((y, i) => (s += y * gOut[i]!));
        o.state.h.data.forEach((y, i) => (s += y * gH[i]!));
        if (o.state.c && gC) o.state.c.data.forEach((y, i) => (s += y * gC[i]!));
        return s;
      });
    const wrt: Array<[string, Tensor]> = [['input', x], ...layer.namedParameters()];
    if (state) {
      wrt.push(['h0', state.h]);
      if (state.c) wrt.push(['c0', state.c]);
    }
    for (const [name, t] of wrt) assert.ok(t.grad !== null, `${name} got no gradient`);
    const analytic = new Map(wrt.map(([, t]) => [t, Float32Array.from(t.grad!)]));
    const signature = clipSignature(layer, () => noGrad(() => forward(true)));
    if (signature) assert.ok(signature().includes('1'), 'some pre-activation is clipped, so the clip is tested');
    // With a clip, a smaller step crosses fewer clip bounds (each crossing is skipped, not compared).
    const failures = gradCheck(wrt, analytic, lossValue, rng, { samples: 8, ...(signature ? { signature, eps: 1e-3 } : {}) });
    assert.deepEqual(failures, []);
  });
}

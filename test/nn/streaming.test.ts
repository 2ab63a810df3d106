import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gru, lstm, noGrad, rnn, Rng, Tensor, type RecurrentState } from '../../src/index.js';
import { randomTensor } from '../helpers/gradcheck.js';

const layers = {
  rnn: () => rnn({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 }),
  lstm: () => lstm({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 }),
  'lstm projected': () => lstm({ inputSize: 3, hiddenSize: 5, projSize: 2, numLayers: 2, seed: 1 }),
  gru: () => gru({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 }),
};

for (const [name, make] of Object.entries(layers)) {
  test(`streaming ${name}: step by step equals one forward`, () => {
    const layer = make();
    const rng = new Rng(3);
    const T = 9;
    const B = 2;
    const x = randomTensor([T, B, 3], rng);
    const full = noGrad(() => layer.forward(x));
    let state: RecurrentState = layer.zeroState(B);
    const P = layer.outSize;
    for (let t = 0; t < T; t++) {
      const xt = new Tensor(x.data.slice(t * B * 3, (t + 1) * B * 3), [B, 3]);
      const r = noGrad(() => layer.step(xt, state));
      state = r.state;
      assert.deepEqual(r.output.shape, [B, P]);
      for (let i = 0; i < B * P; i++) {
        assert.ok(Math.abs(r.output.data[i]! - full.output.data[t * B * P + i]!) < 1e-6, `step ${t} element ${i}`);
      }
    }
    for (let i = 0; i < state.h.size; i++) assert.ok(Math.abs(state.h.data[i]! - full.state.h.data[i]!) < 1e-6);
    if (state.c) for (let i = 0; i < state.c.size; i++) assert.ok(Math.abs(state.c.data[i]! - full.state.c!.data[i]!) < 1e-6);
  });
}

test('state carried across forward calls equals one long forward', () => {
  const layer = lstm({ inputSize: 2, hiddenSize: 4, batchFirst: true, seed: 9 });
  const rng = new Rng(4);
  const x = randomTensor([3, 8, 2], rng); // [batch, seq, features]
  const full = noGrad(() => layer.forward(x));
  const half = (lo: number) => {
    const d = new Float32Array(3 * 4 * 2);
    for (let b = 0; b < 3; b++) d.set(x.data.subarray((b * 8 + lo) * 2, (b * 8 + lo + 4) * 2), b * 4 * 2);
    return new Tensor(d, [3, 4, 2]);
  };
  const a = noGrad(() => layer.forward(half(0)));
  const b = noGrad(() => layer.forward(half(4), a.state));
  for (let i = 0; i < full.state.h.size; i++) assert.ok(Math.abs(b.state.h.data[i]! - full.state.h.data[i]!) < 1e-6);
  for (let bi = 0; bi < 3; bi++) {
    for (let k = 0; k < 4; k++) {
      assert.ok(Math.abs(b.output.get(bi, 3, k) - full.output.get(bi, 7, k)) < 1e-6);
    }
  }
});

test('step refuses a bidirectional layer', () => {
  const layer = gru({ inputSize: 2, hiddenSize: 3, bidirectional: true });
  assert.throws(() => layer.step(Tensor.zeros([1, 2])), /bidirectional layer needs the whole sequence/);
});

test('streaming sees weight changes (loadStateDict, optimiser steps) at once', () => {
  const a = lstm({ inputSize: 3, hiddenSize: 4, seed: 1 });
  const b = lstm({ inputSize: 3, hiddenSize: 4, seed: 2 });
  const x = randomTensor([1, 3], new Rng(9));
  const before = noGrad(() => a.step(x)).output.data.slice();
  a.loadStateDict(b.stateDict());
  const after = noGrad(() => a.step(x)).output.data;
  const expected = noGrad(() => b.forward(x.view([1, 1, 3]))).output.data;
  assert.notDeepEqual(Array.from(after), Array.from(before));
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(after[i]! - expected[i]!) < 1e-6);
});

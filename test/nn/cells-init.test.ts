import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gru, gruCell, lstm, lstmCell, noGrad, rnn, rnnCell, Rng, Tensor } from '../../src/index.js';
import { randomTensor } from '../helpers/gradcheck.js';

test('cells equal a one-layer layer over one step (same weights by name)', () => {
  const rng = new Rng(6);
  const pairs = [
    [lstmCell({ inputSize: 3, hiddenSize: 4, seed: 1 }), lstm({ inputSize: 3, hiddenSize: 4 })],
    [gruCell({ inputSize: 3, hiddenSize: 4, seed: 1 }), gru({ inputSize: 3, hiddenSize: 4 })],
    [rnnCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', seed: 1 }), rnn({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' })],
  ] as const;
  for (const [cell, layer] of pairs) {
    const sd = Object.fromEntries(Object.entries(cell.stateDict()).map(([k, v]) => [`${k}_l0`, v]));
    layer.loadStateDict(sd);
    const x = randomTensor([2, 3], rng);
    const h = randomTensor([2, 4], rng, 0.5);
    const c = randomTensor([2, 4], rng, 0.5);
    const cellOut = noGrad(() => cell.forward(x, (cell.mode === 'lstm' ? { h, c } : { h }) as never));
    const layerState = cell.mode === 'lstm' ? { h: h.view([1, 2, 4]), c: c.view([1, 2, 4]) } : { h: h.view([1, 2, 4]) };
    const layerOut = noGrad(() => layer.step(x, layerState as never));
    assert.deepEqual(Array.from(cellOut.h.data), Array.from(layerOut.state.h.data));
    const cc = (cellOut as { c?: Tensor }).c;
    if (cc) assert.deepEqual(Array.from(cc.data), Array.from(layerOut.state.c!.data));
  }
});

test('default initialisation is uniform(-1/sqrt(H), 1/sqrt(H)) and seeded', () => {
  const a = lstm({ inputSize: 8, hiddenSize: 16, seed: 3 });
  const b = lstm({ inputSize: 8, hiddenSize: 16, seed: 3 });
  const c = lstm({ inputSize: 8, hiddenSize: 16, seed: 4 });
  const bound = 1 / Math.sqrt(16);
  for (const [name, p] of a.namedParameters()) {
    const max = p.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(max <= bound && max > bound * 0.8, `${name} max ${max}`);
    assert.deepEqual(p.data, b.stateDict()[name]!.data);
  }
  assert.notDeepEqual(a.stateDict().weight_hh_l0!.data, c.stateDict().weight_hh_l0!.data);
});

test('orthogonal recurrent weights: every gate block has orthonormal columns', () => {
  for (const [H, P] of [[6, 6], [6, 3]] as const) {
    const layer = lstm({ inputSize: 2, hiddenSize: H, projSize: P === H ? 0 : P, recurrentInit: 'orthogonal', seed: 2 });
    const w = layer.stateDict().weight_hh_l0!;
    for (let g = 0; g < 4; g++) {
      for (let i = 0; i < P; i++) {
        for (let j = 0; j < P; j++) {
          let dot = 0;
          for (let r = 0; r < H; r++) dot += w.data[(g * H + r) * P + i]! * w.data[(g * H + r) * P + j]!;
          assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `gate ${g} (${i},${j}) = ${dot}`);
        }
      }
    }
  }
});

test('forgetBias sets the forget block of b_ih and zeroes it in b_hh', () => {
  const layer = lstm({ inputSize: 2, hiddenSize: 3, forgetBias: 1, seed: 1 });
  const { bias_ih_l0: bi, bias_hh_l0: bh } = layer.stateDict();
  assert.deepEqual(Array.from(bi!.data.subarray(3, 6)), [1, 1, 1]);
  assert.deepEqual(Array.from(bh!.data.subarray(3, 6)), [0, 0, 0]);
  assert.notEqual(bi!.data[0], 1);
});

test('dropout acts between layers in training only, reproducibly', () => {
  const x = randomTensor([4, 2, 3], new Rng(1));
  const make = (p: number) => lstm({ inputSize: 3, hiddenSize: 5, numLayers: 2, dropout: p, seed: 8 });
  const plain = noGrad(() => make(0).forward(x).output.data);
  const trained = noGrad(() => make(0.5).forward(x).output.data);
  const again = noGrad(() => make(0.5).forward(x).output.data);
  const evaluated = noGrad(() => make(0.5).eval().forward(x).output.data);
  assert.notDeepEqual(trained, plain);
  assert.deepEqual(trained, again);
  assert.deepEqual(evaluated, plain);
});

test('Tensor basics', () => {
  const t = new Tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.equal(t.get(1, 2), 6);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.throws(() => t.get(2, 0), /out of range/);
});

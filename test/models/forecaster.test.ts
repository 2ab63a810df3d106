import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Forecaster, noGrad, OptionError, Rng, ShapeError, weightedSum } from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';

const base = { cell: 'lstm', hiddenSize: 6, numLayers: 1, dropout: 0, inputSize: 2, horizon: 3 } as const;

test('Forecaster highway: names and shapes; the network part draws the same weights as without it', () => {
  const plain = new Forecaster(base, 4);
  const hw = new Forecaster({ ...base, highway: 5 }, 4);
  const names = hw.namedParameters().map(([n, p]) => `${n} [${p.shape.join(', ')}]`);
  assert.deepEqual(names.slice(-4), ['fc.weight [3, 6]', 'fc.bias [3]', 'highway.weight [3, 10]', 'highway.bias [3]']);
  for (const [n, p] of plain.namedParameters()) assert.deepEqual([...hw.namedParameters().find(([m]) => m === n)![1].data], [...p.data], n);
  assert.equal(plain.highway, null);
});

test('Forecaster highway: output = network output + highway(x[:, -k:].flatten(1)), summed exactly', () => {
  const plain = new Forecaster(base, 4).eval();
  const hw = new Forecaster({ ...base, highway: 5 }, 4).eval();
  const x = randomTensor([4, 8, 2], new Rng(1));
  const got = noGrad(() => hw.forward(x)).data;
  const net = noGrad(() => plain.forward(x)).data;
  // x[:, 3:8] flattened by hand, then weight . row + bias
  const w = hw.highway!.weight.data;
  const bias = hw.highway!.bias!.data;
  for (let b = 0; b < 4; b++) {
    for (let k = 0; k < 3; k++) {
      let s = bias[k]!;
      for (let j = 0; j < 10; j++) s += w[k * 10 + j]! * x.data[b * 16 + 6 + j]!;
      assert.ok(Math.abs(got[b * 3 + k]! - (net[b * 3 + k]! + s)) < 1e-5, `row ${b} output ${k}: ${got[b * 3 + k]} vs ${net[b * 3 + k]! + s}`);
    }
  }
});

test('finite differences: Forecaster highway, through its weights and the input', () => {
  const m = new Forecaster({ ...base, cell: 'gru', highway: 3 }, 2);
  const rng = new Rng(8);
  const x = randomTensor([2, 4, 2], rng, 1, true);
  const w = randomTensor([2, 3], rng).data;
  const wrt: Array<[string, typeof x]> = [['x', x], ['highway.weight', m.highway!.weight], ['highway.bias', m.highway!.bias!], ['fc.weight', m.fc.weight]];
  for (const [, t] of wrt) t.grad = null;
  weightedSum(m.forward(x), w).backward();
  const analytic = new Map(wrt.map(([, t]) => [t, Float32Array.from(t.grad!)]));
  const loss = () => noGrad(() => {
    const out = m.forward(x).data;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i]! * w[i]!;
    return s;
  });
  assert.deepEqual(gradCheck(wrt, analytic, loss, rng, { samples: 12 }), []);
});

test('Forecaster highway: a window shorter than the highway, and a bad step count, are refused', () => {
  const m = new Forecaster({ ...base, highway: 5 }, 0);
  assert.throws(() => m.forward(randomTensor([1, 4, 2], new Rng(0))), (e: unknown) => e instanceof ShapeError && /highway reads the last 5 steps, but the window has 4/.test(e.message));
  assert.throws(() => new Forecaster({ ...base, highway: 1.5 }, 0), (e: unknown) => e instanceof OptionError && /highway must be a whole number of steps/.test(e.message));
  assert.throws(() => new Forecaster({ ...base, highway: -1 }, 0), OptionError);
});

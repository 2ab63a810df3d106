import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, Rng, ShapeError, Tensor } from '../../src/index.js';
import { pinballLoss } from '../../src/nn/quantile-loss.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';

/** The pinball loss in float64, written from its definition: max(q d, (q - 1) d), d = y - p. */
function refPinball(p: ArrayLike<number>, y: ArrayLike<number>, qs: number[], mask?: Float32Array): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    const w = mask ? mask[i]! : 1;
    qs.forEach((q, j) => {
      const d = y[i]! - p[i * qs.length + j]!;
      total += w * Math.max(q * d, (q - 1) * d);
      count += w;
    });
  }
  return total / count;
}

test('pinballLoss by hand: one target, quantiles 0.1 / 0.5 / 0.9', () => {
  // y = 2; predictions 1, 2.5, 4: d = 1, -0.5, -2 -> 0.1, 0.25, 0.2; mean 0.55 / 3.
  const loss = pinballLoss(new Tensor(new Float32Array([1, 2.5, 4]), [1, 3]), new Float32Array([2]), [0.1, 0.5, 0.9]);
  assert.ok(Math.abs(loss.data[0]! - 0.55 / 3) < 1e-7, String(loss.data[0]));
});

test('pinballLoss matches the definition and its gradient matches finite differences', () => {
  const rng = new Rng(3);
  const qs = [0.1, 0.5, 0.9];
  const pred = randomTensor([4, 6], rng, 1, true); // 4 windows, 2 steps x 3 quantiles
  const target = Float32Array.from({ length: 8 }, () => rng.uniform(-1, 1));
  const mask = Float32Array.from({ length: 8 }, (_, i) => (i === 5 ? 0 : 1 + (i % 2)));
  const loss = pinballLoss(pred, target, qs, mask);
  assert.ok(Math.abs(loss.data[0]! - refPinball(pred.data, target, qs, mask)) < 1e-6);
  loss.backward();
  const failures = gradCheck([['pred', pred]], new Map([[pred, pred.grad!]]), () => refPinball(pred.data, target, qs, mask), rng, {
    eps: 1e-3,
    samples: 24,
    signature: () => Array.from(pred.data, (p, i) => (target[Math.floor(i / 3)]! > p ? '+' : '-')).join(''),
  });
  assert.deepEqual(failures, []);
  // The masked target gets no gradient at all.
  for (let j = 0; j < 3; j++) assert.equal(pred.grad![5 * 3 + j], 0);
});

test('pinballLoss with one quantile 0.5 is half the mean absolute error', () => {
  const pred = new Tensor(new Float32Array([1, -2, 3]), [3, 1]);
  const loss = pinballLoss(pred, new Float32Array([0, 0, 0]), [0.5]);
  assert.ok(Math.abs(loss.data[0]! - 1) < 1e-7);
});

test('pinballLoss refuses bad quantiles and mismatched shapes, naming them', () => {
  const pred = new Tensor(new Float32Array(6), [2, 3]);
  assert.throws(() => pinballLoss(pred, new Float32Array(2), [0.1, 0.9, 0.5]), (e: unknown) => e instanceof OptionError && /increasing/.test(e.message));
  assert.throws(() => pinballLoss(pred, new Float32Array(2), [0, 0.5, 1]), (e: unknown) => e instanceof OptionError && /between 0 and 1/.test(e.message));
  assert.throws(() => pinballLoss(pred, new Float32Array(3), [0.1, 0.5, 0.9]), (e: unknown) => e instanceof ShapeError && /3 targets x 3 quantiles/.test(e.message));
});

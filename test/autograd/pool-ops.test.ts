import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanOverTime } from '../../src/autograd/pool-ops.js';
import { noGrad, Rng, ShapeError, Tensor, weightedSum } from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';

test('meanOverTime: each sequence averaged over its own steps, padding ignored', () => {
  // x [3, 2, 1]: sequence 0 = 1, 3, 5 (length 3); sequence 1 = 10, 20 then a padding 99 (length 2)
  const x = new Tensor([1, 10, 3, 20, 5, 99], [3, 2, 1]);
  const y = meanOverTime(x, [3, 2]);
  assert.deepEqual(y.shape, [2, 1]);
  assert.deepEqual([...y.data], [3, 15]);
  // two features, against a float64 loop
  const rng = new Rng(4);
  const z = randomTensor([5, 3, 2], rng);
  const lengths = [5, 1, 3];
  const out = meanOverTime(z, lengths);
  for (let b = 0; b < 3; b++) {
    for (let f = 0; f < 2; f++) {
      let s = 0;
      for (let t = 0; t < lengths[b]!; t++) s += z.data[(t * 3 + b) * 2 + f]!;
      assert.ok(Math.abs(out.data[b * 2 + f]! - s / lengths[b]!) < 1e-6, `b ${b} f ${f}`);
    }
  }
});

test('meanOverTime: finite differences, and no gradient into padding steps', () => {
  const rng = new Rng(5);
  const x = randomTensor([4, 3, 5], rng, 1, true);
  const lengths = [4, 2, 1];
  const w = randomTensor([3, 5], rng).data;
  weightedSum(meanOverTime(x, lengths), w).backward();
  const analytic = new Map([[x, Float32Array.from(x.grad!)]]);
  const loss = () =>
    noGrad(() => {
      let s = 0;
      meanOverTime(x, lengths).data.forEach((v, i) => (s += v * w[i]!));
      return s;
    });
  assert.deepEqual(gradCheck([['x', x]], analytic, loss, rng, { samples: 60 }), []);
  // step 3 of sequence 1 (length 2) is padding: its gradient is exactly 0; step 0 of it is w / 2
  for (let f = 0; f < 5; f++) {
    assert.equal(x.grad![(3 * 3 + 1) * 5 + f], 0);
    assert.ok(Math.abs(x.grad![(0 * 3 + 1) * 5 + f]! - w[5 + f]! / 2) < 1e-7);
  }
});

test('meanOverTime: a wrong rank or length is a ShapeError naming it', () => {
  assert.throws(() => meanOverTime(Tensor.zeros([3, 2]), [1, 1]), (e: unknown) => e instanceof ShapeError && /\[steps, batch, features\]/.test(e.message));
  assert.throws(() => meanOverTime(Tensor.zeros([3, 2, 1]), [1]), /1 lengths for a batch of 2/);
  assert.throws(() => meanOverTime(Tensor.zeros([3, 2, 1]), [1, 4]), /lengths\[1\] must be an integer in 1\.\.3, got 4/);
});

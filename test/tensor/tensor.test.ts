import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { add, addScalars, weightedSum } from '../../src/autograd/ops.js';

test('Tensor: row-major layout; view shares data, clone copies it, detach drops history', () => {
  const x = new Tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.equal(x.get(1, 0), 4);
  assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const v = x.view([3, 2]);
  v.data[0] = 10;
  assert.equal(x.get(0, 0), 10);
  const c = x.clone();
  c.data[1] = -1;
  assert.equal(x.get(0, 1), 2);
  const p = new Tensor([1, 2], [2], { requiresGrad: true });
  const y = weightedSum(p, new Float32Array([1, 1]));
  assert.equal(y.detach().node, null);
  assert.equal(y.detach().requiresGrad, false);
});

test('backward: a shared input (a diamond) gets the sum of both paths, once each; leaves accumulate over sweeps', () => {
  const x = new Tensor([1, 2, 3], [3], { requiresGrad: true });
  const w1 = new Float32Array([0.5, -1, 2]);
  const w2 = new Float32Array([3, 0.25, -4]);
  const y = addScalars([weightedSum(x, w1), weightedSum(x, w2)]);
  y.backward();
  assert.deepEqual(Array.from(x.grad!), [3.5, -0.75, -2]);
  y.backward();
  assert.deepEqual(Array.from(x.grad!), [7, -1.5, -4]);
});

test('backward: two losses on one intermediate, each backpropagated alone, add only their own gradients', () => {
  // PyTorch: h = x + x; h[0].backward(retain_graph=True); h[1].backward() gives x.grad = [2, 2].
  const x = new Tensor([1, 2], [2], { requiresGrad: true });
  const h = add(x, x);
  weightedSum(h, new Float32Array([1, 0])).backward();
  weightedSum(h, new Float32Array([0, 1])).backward();
  assert.deepEqual(Array.from(x.grad!), [2, 2]);
  assert.deepEqual(Array.from(h.grad!), [0, 1], 'an intermediate holds the latest sweep');
});

test('backward: a chain 50,000 ops deep runs without exhausting the stack', () => {
  const x = new Tensor([1, 2], [2], { requiresGrad: true });
  const zero = new Tensor([0, 0], [2]);
  let t = x;
  for (let i = 0; i < 50_000; i++) t = add(t, zero);
  t.backward(new Float32Array([2, -3]));
  assert.deepEqual(Array.from(x.grad!), [2, -3]);
});

test('backward: the seed rules are checked with messages that say what to do', () => {
  assert.throws(() => new Tensor([1], [1]).backward(), /does not require gradients/);
  const x = new Tensor([1, 2], [2], { requiresGrad: true });
  const y = add(x, x);
  assert.throws(() => y.backward(), /needs an explicit gradient/);
  assert.throws(() => y.backward(new Float32Array(3)), /gradient has 3 elements, the tensor has 2/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add,
  Dropout,
  embedding,
  Embedding,
  lastStepsFlat,
  layerNorm,
  LayerNorm,
  linear,
  Linear,
  noGrad,
  Rng,
  ShapeError,
  Tensor,
  timeStep,
  weightedSum,
} from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';

/**
 * Finite-difference check of `forward` against the gradient it records: the loss is
 * sum(out * w) for random w, re-summed in float64 for the differences.
 */
function checkOp(forward: () => Tensor, wrt: Array<[string, Tensor]>, seed = 7): string[] {
  const rng = new Rng(seed);
  const first = noGrad(forward);
  const w = randomTensor([...first.shape], rng).data;
  for (const [, t] of wrt) t.grad = null;
  weightedSum(forward(), w).backward();
  const analytic = new Map(wrt.map(([, t]) => [t, Float32Array.from(t.grad ?? new Float32Array(t.size))]));
  for (const [name, t] of wrt) assert.ok(t.grad !== null, `${name} got no gradient`);
  const value = () =>
    noGrad(() => {
      const out = forward();
      let s = 0;
      out.data.forEach((y, i) => (s += y * w[i]!));
      return s;
    });
  return gradCheck(wrt, analytic, value, rng, { samples: 30 });
}

/** Reference x W^T + b in float64. */
function refLinear(x: Tensor, w: Tensor, b: Tensor | null): Float64Array {
  const [out, inF] = w.shape as [number, number];
  const n = x.size / inF;
  const y = new Float64Array(n * out);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < out; o++) {
      let s = b ? b.data[o]! : 0;
      for (let k = 0; k < inF; k++) s += x.data[r * inF + k]! * w.data[o * inF + k]!;
      y[r * out + o] = s;
    }
  }
  return y;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('linear: values on a 3-D input, with and without bias', () => {
  const rng = new Rng(1);
  const x = randomTensor([2, 3, 4], rng);
  const w = randomTensor([5, 4], rng);
  const b = randomTensor([5], rng);
  const y = linear(x, w, b);
  assert.deepEqual(y.shape, [2, 3, 5]);
  assertClose(y.data, refLinear(x, w, b), 1e-6, 'with bias');
  const y0 = linear(x, w, null);
  assertClose(y0.data, refLinear(x, w, null), 1e-6, 'no bias');
  // hand-worked: [1, 2] . [[3, 4], [5, 6]]^T + [1, -1] = [12, 16]
  const h = linear(new Tensor([1, 2], [1, 2]), new Tensor([3, 4, 5, 6], [2, 2]), new Tensor([1, -1]));
  assert.deepEqual([...h.data], [12, 16]);
});

test('linear: wrong input width, bias length or weight rank is a ShapeError', () => {
  assert.throws(() => linear(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]), null), (e: unknown) => e instanceof ShapeError && /3 features.*expects 5/.test(e.message));
  // a bias of the wrong length would read past its end (NaN outputs) without this check
  assert.throws(() => linear(Tensor.zeros([2, 3]), Tensor.zeros([4, 3]), Tensor.zeros([3])), /bias has 3 elements, the weight has 4 outputs/);
  assert.throws(() => linear(Tensor.zeros([2, 3]), Tensor.zeros([3]), null), /weight must be \[out, in\]/);
});

test('finite differences: linear on a 3-D input, no bias', () => {
  const rng = new Rng(2);
  const x = randomTensor([2, 3, 4], rng, 1, true);
  const w = randomTensor([5, 4], rng, 1, true);
  assert.deepEqual(checkOp(() => linear(x, w, null), [['x', x], ['weight', w]]), []);
});

test('finite differences: linear with bias, 2-D input', () => {
  const rng = new Rng(3);
  const x = randomTensor([6, 3], rng, 1, true);
  const w = randomTensor([2, 3], rng, 1, true);
  const b = randomTensor([2], rng, 1, true);
  assert.deepEqual(checkOp(() => linear(x, w, b), [['x', x], ['weight', w], ['bias', b]]), []);
});

test('Linear module: PyTorch init bound and parameter names', () => {
  const m = new Linear({ inFeatures: 16, outFeatures: 3, seed: 4 });
  assert.deepEqual(m.namedParameters().map(([n, t]) => [n, [...t.shape]]), [['weight', [3, 16]], ['bias', [3]]]);
  const bound = 1 / Math.sqrt(16);
  for (const v of [...m.weight.data, ...m.bias!.data]) assert.ok(Math.abs(v) <= bound, `${v} outside +-${bound}`);
  assert.ok(Math.max(...m.weight.data.map(Math.abs)) > bound / 2, 'init spread over the bound');
  assert.equal(new Linear({ inFeatures: 2, outFeatures: 2, bias: false }).bias, null);
});

test('embedding: picks rows; repeated ids accumulate gradients', () => {
  const rng = new Rng(5);
  const w = randomTensor([4, 3], rng, 1, true);
  const ids = Int32Array.from([2, 0, 2, 2, 3, 0]);
  const y = embedding(ids, [2, 3], w);
  assert.deepEqual(y.shape, [2, 3, 3]);
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < 3; j++) assert.equal(y.data[i * 3 + j], w.data[ids[i]! * 3 + j]);
  }
  // d/dW of sum(y): row r gets the count of r in ids
  weightedSum(y, new Float32Array(y.size).fill(1)).backward();
  const counts = [2, 0, 3, 1];
  for (let r = 0; r < 4; r++) for (let j = 0; j < 3; j++) assert.equal(w.grad![r * 3 + j], counts[r]);
  assert.deepEqual(checkOp(() => embedding(ids, [2, 3], w), [['weight', w]]), []);
});

test('embedding: out-of-range id is an error naming it', () => {
  const w = Tensor.zeros([4, 2]);
  assert.throws(() => embedding(Int32Array.from([1, 4]), [2], w), /id 4 at position 1 is outside 0\.\.3/);
  assert.throws(() => embedding(Int32Array.from([-1]), [1], w), /id -1/);
  assert.throws(() => new Embedding({ numEmbeddings: 3, embeddingDim: 2 }).forward(Int32Array.from([3])), ShapeError);
});

/** Reference layer norm in float64 (biased variance, as PyTorch). */
function refLayerNorm(x: Tensor, g: Tensor | null, b: Tensor | null, eps: number): Float64Array {
  const d = x.shape[x.shape.length - 1]!;
  const y = new Float64Array(x.size);
  for (let r = 0; r < x.size / d; r++) {
    const row = Array.from(x.data.subarray(r * d, (r + 1) * d));
    const mean = row.reduce((a, v) => a + v, 0) / d;
    const v = row.reduce((a, u) => a + (u - mean) ** 2, 0) / d;
    row.forEach((u, j) => (y[r * d + j] = ((u - mean) / Math.sqrt(v + eps)) * (g ? g.data[j]! : 1) + (b ? b.data[j]! : 0)));
  }
  return y;
}

test('layerNorm: values against a float64 reference; a hand-worked row', () => {
  const rng = new Rng(6);
  const x = randomTensor([2, 3, 5], rng, 2);
  const g = randomTensor([5], rng);
  const b = randomTensor([5], rng);
  assertClose(layerNorm(x, g, b).data, refLayerNorm(x, g, b, 1e-5), 1e-5, 'affine');
  assertClose(layerNorm(x, null, null).data, refLayerNorm(x, null, null, 1e-5), 1e-5, 'plain');
  // [1, 3]: mean 2, biased variance 1 -> [-1, 1] / sqrt(1 + eps)
  const y = layerNorm(new Tensor([1, 3], [1, 2]), null, null, 0);
  assert.deepEqual([...y.data], [-1, 1]);
  // every normalised row has mean 0 and biased variance ~1
  const z = layerNorm(x, null, null);
  for (let r = 0; r < 6; r++) {
    const row = [...z.data.subarray(r * 5, r * 5 + 5)];
    const m = row.reduce((a, v) => a + v, 0) / 5;
    assert.ok(Math.abs(m) < 1e-6);
    assert.ok(Math.abs(row.reduce((a, v) => a + (v - m) ** 2, 0) / 5 - 1) < 1e-3);
  }
});

test('finite differences: layerNorm with affine parameters', () => {
  const rng = new Rng(8);
  const x = randomTensor([3, 2, 5], rng, 1.5, true);
  const g = randomTensor([5], rng, 1, true);
  const b = randomTensor([5], rng, 1, true);
  assert.deepEqual(checkOp(() => layerNorm(x, g, b), [['x', x], ['gain', g], ['bias', b]]), []);
});

test('finite differences: layerNorm without affine', () => {
  const rng = new Rng(9);
  const x = randomTensor([4, 6], rng, 1.5, true);
  assert.deepEqual(checkOp(() => layerNorm(x, null, null), [['x', x]]), []);
});

test('LayerNorm module: weight 1 and bias 0 at start, eps passed through, no affine', () => {
  const ln = new LayerNorm({ normalizedShape: 4, eps: 0.5 });
  assert.deepEqual([...ln.weight!.data], [1, 1, 1, 1]);
  assert.deepEqual([...ln.bias!.data], [0, 0, 0, 0]);
  const x = new Tensor([1, 2, 3, 4], [1, 4]);
  assertClose(ln.forward(x).data, refLayerNorm(x, null, null, 0.5), 1e-6, 'eps 0.5');
  const plain = new LayerNorm({ normalizedShape: 4, elementwiseAffine: false });
  assert.equal(plain.parameters().length, 0);
  assert.throws(() => layerNorm(x, Tensor.zeros([3]), null), ShapeError);
});

test('timeStep: picks step t of [T, B, F]; gradient lands only there', () => {
  const rng = new Rng(10);
  const x = randomTensor([4, 2, 3], rng, 1, true);
  const y = timeStep(x, 2);
  assert.deepEqual(y.shape, [2, 3]);
  assert.deepEqual([...y.data], [...x.data.subarray(12, 18)]);
  weightedSum(y, new Float32Array(6).fill(1)).backward();
  x.grad!.forEach((v, i) => assert.equal(v, i >= 12 && i < 18 ? 1 : 0, `grad[${i}]`));
  assert.deepEqual(checkOp(() => timeStep(x, 3), [['x', x]]), []);
  assert.throws(() => timeStep(x, 4), /step 4 outside 0\.\.3/);
});

test('Dropout module: identity in eval, inverted scaling in training', () => {
  const d = new Dropout(0.5, 3);
  const x = new Tensor(new Float32Array(1000).fill(1), [1000]);
  d.eval();
  assert.equal(d.forward(x), x);
  d.train();
  const y = d.forward(x);
  const zeros = y.data.filter((v) => v === 0).length;
  assert.ok(zeros > 400 && zeros < 600, `${zeros} dropped of 1000`);
  for (const v of y.data) assert.ok(v === 0 || v === 2);
  assert.throws(() => new Dropout(1.5));
});

test('add: elementwise values; shapes must agree', () => {
  const a = new Tensor([1, 2, 3, 4], [2, 2]);
  const b = new Tensor([10, 20, 30, 40], [2, 2]);
  assert.deepEqual([...add(a, b).data], [11, 22, 33, 44]);
  assert.throws(() => add(a, new Tensor([1, 2], [2])), (e: unknown) => e instanceof ShapeError && /add: shapes differ: \[2, 2\] and \[2\]/.test(e.message));
});

test('finite differences: add, both inputs', () => {
  const rng = new Rng(5);
  const a = randomTensor([3, 4], rng, 1, true);
  const b = randomTensor([3, 4], rng, 1, true);
  assert.deepEqual(checkOp(() => add(a, b), [['a', a], ['b', b]]), []);
});

test('lastStepsFlat: the last k steps of each row side by side, as x[:, -k:].flatten(1)', () => {
  // x[b, t, f] = 100b + 10t + f
  const x = new Tensor(Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => 100 * Math.floor(i / 6) + 10 * Math.floor((i % 6) / 2) + (i % 2)), [2, 3, 2]);
  const out = lastStepsFlat(x, 2);
  assert.deepEqual(out.shape, [2, 4]);
  assert.deepEqual([...out.data], [10, 11, 20, 21, 110, 111, 120, 121]);
  assert.deepEqual([...lastStepsFlat(x, 3).data], [...x.data]);
  assert.throws(() => lastStepsFlat(x, 4), (e: unknown) => e instanceof ShapeError && /last 4 of 3 steps/.test(e.message));
  assert.throws(() => lastStepsFlat(x, 0), ShapeError);
  assert.throws(() => lastStepsFlat(new Tensor([1, 2], [2]), 1), /expected \[batch, steps, features\]/);
});

test('finite differences: lastStepsFlat (steps before the last k get no gradient)', () => {
  const x = randomTensor([2, 5, 3], new Rng(6), 1, true);
  assert.deepEqual(checkOp(() => lastStepsFlat(x, 2), [['x', x]]), []);
  x.grad = null;
  weightedSum(lastStepsFlat(x, 2), new Float32Array(12).fill(1)).backward();
  const g = x.grad!;
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 15; i++) assert.equal(g[b * 15 + i], i >= 9 ? 1 : 0, `grad of x[${b}] element ${i}`);
  }
});

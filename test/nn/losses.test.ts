import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy, huber, mae, mse, Rng, ShapeError, Tensor } from '../../src/index.js';
import { gradCheck, randomTensor } from '../helpers/gradcheck.js';

/** -log softmax(logits)[target], weighted, averaged over the total weight: float64, independent of the module. */
function refCrossEntropy(logits: Float32Array, V: number, targets: Int32Array, mask?: Float32Array): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < targets.length; i++) {
    const w = mask ? mask[i]! : 1;
    if (w === 0) continue;
    const row = Array.from(logits.subarray(i * V, (i + 1) * V));
    const z = row.reduce((a, v) => a + Math.exp(v), 0);
    total += w * -Math.log(Math.exp(row[targets[i]!]!) / z);
    count += w;
  }
  return total / count;
}

function refRegression(kind: 'mse' | 'mae' | 'huber', p: Float32Array, t: Float32Array, mask?: Float32Array, delta = 1): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < p.length; i++) {
    const w = mask ? mask[i]! : 1;
    if (w === 0) continue;
    const d = p[i]! - t[i]!;
    const v = kind === 'mse' ? d * d : kind === 'mae' ? Math.abs(d) : Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta);
    total += w * v;
    count += w;
  }
  return total / count;
}

/** Analytic gradient of a scalar loss vs central differences of the float64 reference. */
function check(t: Tensor, lossTensor: () => Tensor, reference: () => number, seed: number): string[] {
  t.grad = null;
  lossTensor().backward();
  const analytic = new Map([[t, Float32Array.from(t.grad!)]]);
  return gradCheck([['input', t]], analytic, reference, new Rng(seed), { samples: 40, atol: 1e-4, rtol: 1e-3 });
}

test('crossEntropy: hand-worked value, ln 2 for two equal logits, ln V for uniform', () => {
  const two = crossEntropy(new Tensor([0, 0], [1, 2]), Int32Array.of(1));
  assert.ok(Math.abs(two.data[0]! - Math.LN2) < 1e-7);
  const uni = crossEntropy(new Tensor(new Float32Array(5 * 3).fill(0.3), [5, 3]), new Int32Array(5).fill(2));
  assert.ok(Math.abs(uni.data[0]! - Math.log(3)) < 1e-6);
  // logits [1, 2, 3], target 0: log(e + e^2 + e^3) - 1
  const v = crossEntropy(new Tensor([1, 2, 3], [1, 3]), Int32Array.of(0)).data[0]!;
  assert.ok(Math.abs(v - (Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 1)) < 1e-6, `${v}`);
  // large logits do not overflow
  const big = crossEntropy(new Tensor([1000, 0], [1, 2]), Int32Array.of(1)).data[0]!;
  assert.ok(Math.abs(big - 1000) < 1e-3, `${big}`);
});

test('crossEntropy on [T, B, V] equals the float64 -log softmax mean, without and with a mask', () => {
  const rng = new Rng(1);
  const logits = randomTensor([4, 3, 5], rng, 3);
  const targets = Int32Array.from({ length: 12 }, () => rng.int(5));
  const plain = crossEntropy(logits, targets).data[0]!;
  assert.ok(Math.abs(plain - refCrossEntropy(logits.data, 5, targets)) < 1e-6);
  const mask = Float32Array.from({ length: 12 }, (_, i) => [1, 0, 0.5, 0.25][i % 4]!);
  const masked = crossEntropy(logits, targets, { mask }).data[0]!;
  assert.ok(Math.abs(masked - refCrossEntropy(logits.data, 5, targets, mask)) < 1e-6);
  assert.notEqual(plain.toFixed(5), masked.toFixed(5));
  // PyTorch's mean over counted positions: a fully masked position changes nothing, even with an out-of-range target
  const t2 = Int32Array.from(targets);
  t2[1] = 99;
  assert.equal(crossEntropy(logits, t2, { mask }).data[0], masked);
});

test('finite differences: crossEntropy with a mask holding zeros and fractional weights', () => {
  const rng = new Rng(2);
  const logits = randomTensor([3, 2, 4], rng, 2, true);
  const targets = Int32Array.from([0, 3, 1, 1, 2, 0]);
  const mask = Float32Array.from([1, 0, 0.5, 1, 0, 0.25]);
  const failures = check(
    logits,
    () => crossEntropy(logits, targets, { mask }),
    () => refCrossEntropy(logits.data, 4, targets, mask),
    3,
  );
  assert.deepEqual(failures, []);
  // masked positions get exactly zero gradient; a counted row's gradient sums to zero
  const g = logits.grad!;
  for (const i of [1, 4]) for (let j = 0; j < 4; j++) assert.equal(g[i * 4 + j], 0);
  for (const i of [0, 2, 3, 5]) assert.ok(Math.abs(g.subarray(i * 4, i * 4 + 4).reduce((a, v) => a + v, 0)) < 1e-7);
  // gradient = w * (softmax - onehot) / sum(w)
  const row = Array.from(logits.data.subarray(8, 12)).map(Math.exp);
  const z = row.reduce((a, v) => a + v, 0);
  for (let j = 0; j < 4; j++) {
    const expect = (0.5 * (row[j]! / z - (j === 1 ? 1 : 0))) / 2.75;
    assert.ok(Math.abs(g[8 + j]! - expect) < 1e-6, `grad[${8 + j}] ${g[8 + j]} vs ${expect}`);
  }
});

test('finite differences: crossEntropy without a mask', () => {
  const rng = new Rng(4);
  const logits = randomTensor([5, 3], rng, 2, true);
  const targets = Int32Array.from([2, 0, 1, 2, 1]);
  assert.deepEqual(check(logits, () => crossEntropy(logits, targets), () => refCrossEntropy(logits.data, 3, targets), 5), []);
});

test('crossEntropy: errors for mismatched targets, mask and a bad target', () => {
  const logits = Tensor.zeros([2, 3]);
  assert.throws(() => crossEntropy(logits, Int32Array.of(0)), (e: unknown) => e instanceof ShapeError && /1 targets for 2 positions/.test(e.message));
  assert.throws(() => crossEntropy(logits, Int32Array.of(0, 1), { mask: new Float32Array(3) }), /mask has 3 entries, expected 2/);
  assert.throws(() => crossEntropy(logits, Int32Array.of(0, 3)), /target 3 at position 1 is outside 0\.\.2/);
  // everything masked: 0 (no positions counted), not NaN
  assert.equal(crossEntropy(logits, Int32Array.of(0, 1), { mask: new Float32Array(2) }).data[0], 0);
});

test('mse, mae, huber: hand-worked values', () => {
  const p = new Tensor([1, 2, 3, 4]);
  const t = Float32Array.from([1, 0, 4, 0.5]);
  // d = [0, 2, -1, 3.5]
  assert.equal(mse(p, t).data[0], Math.fround((0 + 4 + 1 + 12.25) / 4));
  assert.equal(mae(p, t).data[0], Math.fround((0 + 2 + 1 + 3.5) / 4));
  // huber delta 1: [0, 1.5, 0.5, 3]
  assert.equal(huber(p, t).data[0], Math.fround((0 + 1.5 + 0.5 + 3) / 4));
  // huber delta 2.5: [0, 2, 0.5, 2.5 * (3.5 - 1.25) = 5.625]
  assert.equal(huber(p, t, 2.5).data[0], Math.fround((0 + 2 + 0.5 + 5.625) / 4));
  // a Tensor target works as an array target
  assert.equal(mse(p, new Tensor(t)).data[0], mse(p, t).data[0]);
  // mask: mean over the counted weight only
  const mask = Float32Array.from([0, 1, 0, 0.5]);
  assert.ok(Math.abs(mse(p, t, { mask }).data[0]! - (4 + 0.5 * 12.25) / 1.5) < 1e-6);
  assert.ok(Math.abs(huber(p, t, 1, { mask }).data[0]! - (1.5 + 0.5 * 3) / 1.5) < 1e-6);
});

for (const kind of ['mse', 'mae', 'huber'] as const) {
  test(`finite differences: ${kind} with a mask`, () => {
    const rng = new Rng(11);
    const pred = randomTensor([3, 4], rng, 2, true);
    // targets away from the predictions so no difference sits at a kink (0 for mae, +-delta for huber)
    const target = Float32Array.from(pred.data, (v, i) => v + [0.3, -0.6, 1.7, -2.4, 0.8, -1.3][i % 6]!);
    const mask = Float32Array.from({ length: 12 }, (_, i) => [1, 0.5, 0, 2][i % 4]!);
    const delta = 1;
    const loss = () => (kind === 'mse' ? mse(pred, target, { mask }) : kind === 'mae' ? mae(pred, target, { mask }) : huber(pred, target, delta, { mask }));
    assert.ok(Math.abs(loss().data[0]! - refRegression(kind, pred.data, target, mask, delta)) < 1e-6);
    assert.deepEqual(check(pred, loss, () => refRegression(kind, pred.data, target, mask, delta), 12), []);
    for (let i = 2; i < 12; i += 4) assert.equal(pred.grad![i], 0, `masked position ${i}`);
  });
}

test('huber: gradient on both sides of delta is d inside and delta * sign(d) outside', () => {
  const pred = new Tensor([0.5, -0.5, 3, -3, 1.5], [5], { requiresGrad: true });
  const target = new Float32Array(5);
  huber(pred, target, 1).backward();
  const n = 5;
  assert.deepEqual([...pred.grad!].map((v) => +(v * n).toFixed(6)), [0.5, -0.5, 1, -1, 1]);
  // value continuous at |d| = delta: 0.5 delta^2 on both sides
  const at = (d: number) => huber(new Tensor([d]), Float32Array.of(0), 2).data[0]!;
  assert.ok(Math.abs(at(2) - 2) < 1e-6 && Math.abs(at(2.0001) - 2.0002) < 1e-4);
});

test('regression losses: mismatched target or mask is a ShapeError', () => {
  const p = Tensor.zeros([2, 2]);
  assert.throws(() => mse(p, new Float32Array(3)), (e: unknown) => e instanceof ShapeError && /target has 3 values/.test(e.message));
  assert.throws(() => mae(p, new Float32Array(4), { mask: new Float32Array(2) }), /mask has 2 entries, expected 4/);
});

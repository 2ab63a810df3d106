import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonFiniteError, OptionError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { clipGradNorm, clipGradValue } from '../../src/training/clip.js';
import { sgd } from '../../src/training/optimizers/sgd.js';

function withGrads(...grads: Array<number[] | null>): Tensor[] {
  return grads.map((g) => {
    const t = new Tensor(new Float32Array(g?.length ?? 1), [g?.length ?? 1]);
    t.grad = g ? Float32Array.from(g) : null;
    return t;
  });
}

test('clipGradNorm: joint 2-norm over all gradients, scaled by maxNorm / (norm + 1e-6)', () => {
  // Gradients (3, 4) and (12): joint norm sqrt(9 + 16 + 144) = 13.
  const ps = withGrads([3, 4], [12], null);
  const norm = clipGradNorm(ps, 1);
  assert.equal(norm, 13);
  const coef = Math.fround(1 / Math.fround(13 + Math.fround(1e-6)));
  assert.deepEqual(ps[0]!.grad, Float32Array.from([3 * coef, 4 * coef]));
  assert.deepEqual(ps[1]!.grad, Float32Array.from([12 * coef]));
  assert.equal(ps[2]!.grad, null);
  // The clipped joint norm is just under maxNorm, because of the 1e-6.
  const after = Math.hypot(...ps[0]!.grad!, ...ps[1]!.grad!);
  assert.ok(after < 1 && after > 1 - 1e-6, `norm after clipping ${after}`);
});

test('clipGradNorm leaves gradients alone when the norm is within maxNorm', () => {
  const ps = withGrads([0.3, -0.4]);
  assert.equal(clipGradNorm(ps, 0.5 + 1e-6), Math.fround(0.5));
  assert.deepEqual(ps[0]!.grad, Float32Array.from([0.3, -0.4]));
});

test('clipGradNorm: other orders (1, 3, Infinity) and named parameter lists', () => {
  const ps = withGrads([1, -2], [-3]);
  assert.equal(clipGradNorm(ps, 100, 1), 6);
  assert.equal(clipGradNorm(ps, 100, { normType: Infinity }), 3);
  assert.equal(clipGradNorm(ps, 100, 3), Math.fround(Math.cbrt(1 + 8 + 27)));
  const named: Array<[string, Tensor]> = [['w', ps[0]!], ['b', ps[1]!]];
  assert.equal(clipGradNorm(named, 1.5, Infinity), 3);
  const coef = Math.fround(1.5 / Math.fround(3 + Math.fround(1e-6)));
  assert.deepEqual(ps[1]!.grad, Float32Array.from([-3 * coef]));
  assert.equal(clipGradNorm(withGrads(null), 1), 0);
});

test('clipGradNorm with a NaN or an infinity: reported, gradients dropped, weights stay finite', () => {
  const w = new Tensor([1, 2, 3], [3]);
  const opt = sgd([w], { lr: 0.1, momentum: 0.9 });
  w.grad = Float32Array.from([1, Number.NaN, 1]);
  const norm = clipGradNorm([w], 1);
  assert.ok(Number.isNaN(norm));
  assert.equal(w.grad, null);
  opt.step();
  assert.deepEqual(w.data, Float32Array.from([1, 2, 3]));

  w.grad = Float32Array.from([1, Number.POSITIVE_INFINITY, 1]);
  assert.equal(clipGradNorm([w], 1), Infinity);
  w.grad = Float32Array.from([1, Number.NEGATIVE_INFINITY, Number.NaN]);
  assert.ok(Number.isNaN(clipGradNorm([w], 1, Infinity)));
});

test('clipGradNorm with errorIfNonfinite throws and leaves the gradients as they were', () => {
  const w = new Tensor([0, 0], [2]);
  w.grad = Float32Array.from([5, Number.POSITIVE_INFINITY]);
  assert.throws(() => clipGradNorm([w], 1, { errorIfNonfinite: true }), (e: unknown) => {
    assert.ok(e instanceof NonFiniteError);
    assert.match(e.message, /total norm of order 2 of 1 gradients is Infinity/);
    return true;
  });
  assert.deepEqual(w.grad, Float32Array.from([5, Number.POSITIVE_INFINITY]));
});

test('clipGradNorm rejects bad arguments', () => {
  const ps = withGrads([1]);
  assert.throws(() => clipGradNorm(ps, -1), OptionError);
  assert.throws(() => clipGradNorm(ps, 1, 0), /normType must be a number > 0 or Infinity, got 0/);
  assert.throws(() => clipGradNorm(ps, 1, { norm: 2 } as never), /unknown option 'norm'/);
});

test('clipGradValue clamps each element to [-clipValue, clipValue]', () => {
  const ps = withGrads([0.5, -3, 2, -0.1], null);
  clipGradValue(ps, 1);
  assert.deepEqual(ps[0]!.grad, Float32Array.from([0.5, -1, 1, -0.1]));
  assert.equal(ps[1]!.grad, null);
  assert.throws(() => clipGradValue(ps, Number.NaN), /clipValue must be a number/);
});

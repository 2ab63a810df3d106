import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonFiniteError, OptionError, ShapeError } from '../../src/errors.js';
import {
  accuracy,
  bitsPerCharacter,
  classificationReport,
  confusionMatrix,
  meanAbsoluteError,
  meanAbsoluteScaledError,
  meanSquaredError,
  perplexity,
  rootMeanSquaredError,
} from '../../src/training/metrics.js';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('bits per character and perplexity from nats', () => {
  near(bitsPerCharacter(Math.LN2), 1);
  near(bitsPerCharacter(2 * Math.LN2), 2);
  near(perplexity(Math.log(50)), 50);
  assert.equal(perplexity(0), 1);
  assert.throws(() => bitsPerCharacter(Number.NaN), NonFiniteError);
  assert.throws(() => perplexity(-0.5), /must be >= 0 .*got -0.5/);
});

test('MSE, RMSE, MAE on a hand-worked example', () => {
  // Errors 0, -2, 1, 3: squares 0 + 4 + 1 + 9 = 14, abs 0 + 2 + 1 + 3 = 6, over 4 values.
  const actual = [1, 2, 3, 4];
  const predicted = Float32Array.from([1, 4, 2, 1]);
  near(meanSquaredError(actual, predicted), 3.5);
  near(rootMeanSquaredError(actual, predicted), Math.sqrt(3.5));
  near(meanAbsoluteError(actual, predicted), 1.5);
});

test('MASE: forecast MAE over the in-sample seasonal naive MAE', () => {
  // m = 1: train 1, 3, 2, 4 has naive errors |3−1|, |2−3|, |4−2| = 2, 1, 2, mean 5/3.
  // Forecast errors |5−6|, |7−6| = 1, 1, mean 1. MASE = 1 / (5/3) = 0.6.
  near(meanAbsoluteScaledError([5, 7], [6, 6], [1, 3, 2, 4]), 0.6);
  // m = 2: train 1, 5, 2, 7, 4 has naive errors |2−1|, |7−5|, |4−2| = 1, 2, 2, mean 5/3.
  // Forecast errors |3−2|, |8−6|, |3−3| = 1, 2, 0, mean 1. MASE = 0.6 again.
  near(meanAbsoluteScaledError([3, 8, 3], [2, 6, 3], [1, 5, 2, 7, 4], { m: 2 }), 0.6);
  // The same series with m = 1: errors 4, 3, 5, 3, mean 15/4, MASE = 1 / 3.75.
  near(meanAbsoluteScaledError([3, 8, 3], [2, 6, 3], [1, 5, 2, 7, 4]), 1 / 3.75);
  assert.throws(() => meanAbsoluteScaledError([1], [1], [2, 2, 2]), /naive errors of train \(m = 1\) are all zero/);
  assert.throws(() => meanAbsoluteScaledError([1], [1], [1, 2], { m: 2 }), /train needs more than m = 2 values/);
  assert.throws(() => meanAbsoluteScaledError([1], [1], [1, 2, 3], { m: 0 }), /m must be an integer >= 1, got 0/);
});

test('regression metrics reject empty, mismatched and NaN input', () => {
  assert.throws(() => meanSquaredError([], []), (e: unknown) => e instanceof ShapeError && /actual is empty/.test(e.message));
  assert.throws(() => meanAbsoluteError([1, 2], [1]), /actual has 2 values but predicted has 1/);
  assert.throws(() => rootMeanSquaredError([1, Number.NaN], [1, 2]), (e: unknown) => e instanceof NonFiniteError && /actual\[1\] is NaN/.test(e.message));
  assert.throws(() => meanAbsoluteScaledError([1], [1], [1, Number.POSITIVE_INFINITY]), /train\[1\] is Infinity/);
});

test('accuracy and confusion matrix (rows actual, columns predicted)', () => {
  const actual = ['cat', 'dog', 'dog', 'bird', 'cat', 'dog'];
  const predicted = ['cat', 'cat', 'dog', 'dog', 'cat', 'dog'];
  near(accuracy(actual, predicted), 4 / 6);
  assert.deepEqual(confusionMatrix(actual, predicted), {
    labels: ['bird', 'cat', 'dog'],
    matrix: [
      [0, 0, 1],
      [0, 2, 0],
      [0, 1, 2],
    ],
  });
  const cm = confusionMatrix([2, 0, 2], [2, 2, 0], { labels: [2, 1, 0] });
  assert.deepEqual(cm.matrix, [
    [1, 0, 1],
    [0, 0, 0],
    [1, 0, 0],
  ]);
  assert.deepEqual(confusionMatrix([10, 2], [2, 2]).labels, [2, 10]); // numeric order, not string order
  assert.throws(() => confusionMatrix([0, 3], [0, 0], { labels: [0, 1] }), (e: unknown) => e instanceof OptionError && /actual\[1\] is 3, which is not in labels \[0, 1\]/.test(e.message));
  assert.throws(() => accuracy([0, 1], [0]), /actual has 2 labels but predicted has 1/);
  assert.throws(() => accuracy([], []), /actual is empty/);
  assert.throws(() => accuracy([0, Number.NaN], [0, 1]), NonFiniteError);
});

test('precision, recall and F1 per class, macro and weighted', () => {
  // From the cat/dog/bird matrix above:
  //   bird: TP 0, predicted 0, support 1 -> P 0 (0/0 taken as 0), R 0, F1 0
  //   cat:  TP 2, predicted 3, support 2 -> P 2/3, R 1, F1 = 2·(2/3)/(5/3) = 0.8
  //   dog:  TP 2, predicted 3, support 3 -> P 2/3, R 2/3, F1 2/3
  const r = classificationReport(confusionMatrix(['cat', 'dog', 'dog', 'bird', 'cat', 'dog'], ['cat', 'cat', 'dog', 'dog', 'cat', 'dog']));
  const [bird, cat, dog] = r.perClass;
  assert.deepEqual([bird!.precision, bird!.recall, bird!.f1, bird!.support], [0, 0, 0, 1]);
  near(cat!.precision, 2 / 3);
  near(cat!.recall, 1);
  near(cat!.f1, 0.8);
  near(dog!.f1, 2 / 3);
  near(r.macro.f1, (0 + 0.8 + 2 / 3) / 3);
  near(r.weighted.recall, (0 * 1 + 1 * 2 + (2 / 3) * 3) / 6);
  near(r.accuracy, 4 / 6);
  assert.equal(r.support, 6);
  assert.throws(() => classificationReport({ labels: [0, 1], matrix: [[1, 0]] }), /matrix must be 2 x 2/);
});

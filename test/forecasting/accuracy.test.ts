import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonFiniteError, OptionError, ShapeError } from '../../src/errors.js';
import {
  forecastMase,
  intervalCoverage,
  meanScaledIntervalScore,
  overallWeightedAverage,
  symmetricMape,
} from '../../src/forecasting/accuracy.js';
import { meanAbsoluteScaledError } from '../../src/training/metrics.js';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('sMAPE, M4 definition, on hand-worked values', () => {
  // 200*10/210 = 9.5238..., 200*20/380 = 10.5263...; mean 10.0250...
  near(symmetricMape([100, 200], [110, 180]), (2000 / 210 + 4000 / 380) / 2);
  // Absolute values in the denominator: a sign error is bounded by 200.
  near(symmetricMape([1], [-1]), 200);
  near(symmetricMape([0, 5], [0, 5]), 0); // 0/0 counts as a perfect step
  near(symmetricMape([3], [0]), 200);
  assert.throws(() => symmetricMape([1, 2], [1]), ShapeError);
  assert.throws(() => symmetricMape([1, Number.NaN], [1, 2]), NonFiniteError);
  assert.throws(() => symmetricMape([], []), /at least 1 values, got 0/);
});

test('MASE scales by the in-sample seasonal naive MAE and is the training metric with m required', () => {
  // m = 1: scale mean(|3-1|, |2-3|, |4-2|) = 5/3, MAE 1: 0.6.
  near(forecastMase([5, 7], [6, 6], [1, 3, 2, 4], 1), 0.6);
  // m = 2: scale mean(|2-1|, |4-3|) = 1, MAE 1.5.
  near(forecastMase([5, 7], [6, 5], [1, 3, 2, 4], 2), 1.5);
  const train = [3, 5, 4, 8, 6, 9, 7, 12];
  near(forecastMase([10, 11], [9, 13], train, 4), meanAbsoluteScaledError([10, 11], [9, 13], train, { m: 4 }));
  assert.throws(() => forecastMase([1], [1], [1, 2], 0), OptionError);
  assert.throws(() => forecastMase([1], [1], [2, 2, 2], 1), /all zero/);
  assert.throws(() => forecastMase([1], [1], [1, 2], 2), /more than m = 2/);
});

test('OWA relative to Naive2', () => {
  near(overallWeightedAverage({ smape: 12, mase: 1.5 }, { smape: 15, mase: 2 }), 0.775);
  near(overallWeightedAverage({ smape: 15, mase: 2 }, { smape: 15, mase: 2 }), 1);
  assert.throws(() => overallWeightedAverage({ smape: 1, mase: 1 }, { smape: 0, mase: 1 }), /Naive2 is perfect/);
  assert.throws(() => overallWeightedAverage({ smape: Number.NaN, mase: 1 }, { smape: 1, mase: 1 }), /method.smape/);
});

test('interval coverage and MSIS', () => {
  near(intervalCoverage([1, 5, 9], [0, 0, 0], [2, 4, 10]), 2 / 3);
  near(intervalCoverage([0, 4], [0, 0], [2, 4]), 1); // bounds included
  assert.throws(() => intervalCoverage([1], [2], [1]), /lower\[0\] = 2 is above upper\[0\] = 1/);
  assert.throws(() => intervalCoverage([1, 2], [0], [3]), /actual has 2 values but lower has 1/);
  // Width 2 each; the second actual is 1 above its upper bound: penalty 2/0.05 * 1 = 40.
  // Scale: in-sample naive MAE of [1, 2, 3] = 1. MSIS = (2 + 2 + 40) / 2 = 22.
  near(meanScaledIntervalScore([5, 7], [4, 4], [6, 6], [1, 2, 3], 1, 0.05), 22);
  near(meanScaledIntervalScore([3], [4], [6], [1, 3, 5], 1, 0.2), (2 + 10 * 1) / 2);
  assert.throws(() => meanScaledIntervalScore([1], [0], [2], [1, 2], 1, 1), /level must be/);
});

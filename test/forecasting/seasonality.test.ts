import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, ShapeError } from '../../src/errors.js';
import { autocorrelation, decomposeMultiplicative, m4SeasonalIndices, seasonalityTest } from '../../src/forecasting/seasonality.js';
import { naiveForecast, seasonalNaiveForecast, benchmarkForecast, m4Benchmarks } from '../../src/forecasting/benchmarks.js';
import { thetaf } from '../../src/forecasting/theta.js';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const pattern = [0.8, 1.1, 1.3, 0.8]; // mean 1

test('autocorrelation by hand: [1, 2, 3, 4]', () => {
  // Deviations -1.5 -0.5 0.5 1.5: c0 = 5/4, c1 = (0.75 - 0.25 + 0.75)/4 = 1.25/4, r1 = 0.25.
  near(autocorrelation([1, 2, 3, 4], 1)[0]!, 0.25);
  near(autocorrelation([1, 2, 3, 4], 2)[1]!, (-0.75 - 0.75) / 4 / (5 / 4));
  assert.throws(() => autocorrelation([1, 2, 3], 3), /below the series length/);
});

test('a constant level times a seasonal pattern: the decomposition recovers the pattern exactly', () => {
  const y = Array.from({ length: 20 }, (_, t) => 50 * pattern[t % 4]!);
  const d = decomposeMultiplicative(y, 4);
  d.figure.forEach((f, j) => near(f, pattern[j]!));
  assert.ok(d.trend.slice(0, 2).every(Number.isNaN) && d.trend.slice(-2).every(Number.isNaN));
  d.trend.slice(2, -2).forEach((v) => near(v, 50));
  // Odd period: plain moving average of length m.
  const p3 = [0.9, 1.2, 0.9];
  near(decomposeMultiplicative(Array.from({ length: 12 }, (_, t) => 10 * p3[t % 3]!), 3).figure[1]!, 1.2);
  assert.throws(() => decomposeMultiplicative([1, 2, 3], 2), /at least 4 values/);
  assert.throws(() => decomposeMultiplicative([1, 2, 3, 4], 1), OptionError);
});

test('the 90% test: strong seasonality detected, too-short and non-seasonal series not', () => {
  const seasonal = Array.from({ length: 24 }, (_, t) => (100 + t) * pattern[t % 4]!);
  const r = seasonalityTest(seasonal, 4);
  assert.equal(r.seasonal, true);
  assert.ok(Math.abs(r.acfAtPeriod) > r.limit);
  assert.equal(seasonalityTest(seasonal.slice(0, 11), 4).seasonal, false, 'fewer than 3 cycles');
  assert.ok(Number.isNaN(seasonalityTest(seasonal.slice(0, 11), 4).acfAtPeriod));
  assert.equal(seasonalityTest(seasonal, 1).seasonal, false, 'm = 1');
  const trend = Array.from({ length: 24 }, (_, t) => 10 + t);
  assert.equal(seasonalityTest(trend, 4).seasonal, false);
  assert.throws(() => seasonalityTest(trend, 4, { tcrit: -1 }), /tcrit/);
  assert.throws(() => seasonalityTest(trend, 4, { alpha: 0.1 } as never), /unknown option 'alpha'/);
  // Seasonal indices continue the cycle past the end (n = 22: steps start at position 22 mod 4 = 2).
  const idx = m4SeasonalIndices(seasonal.slice(0, 22), 4, 5);
  assert.equal(idx.seasonal, true);
  const fig = decomposeMultiplicative(seasonal.slice(0, 22), 4).figure;
  assert.deepEqual(idx.horizon, [fig[2], fig[3], fig[0], fig[1], fig[2]]);
});

test('naive, seasonal naive and Naive2 by hand; a seasonal series is reseasonalised', () => {
  assert.deepEqual(naiveForecast([1, 2, 3], 2), [3, 3]);
  assert.deepEqual(seasonalNaiveForecast([1, 2, 3, 4, 5, 6], 4, 6), [3, 4, 5, 6, 3, 4]);
  assert.throws(() => seasonalNaiveForecast([1, 2], 4, 1), /one full period/);
  assert.throws(() => naiveForecast([1], 0), /h must be an integer >= 1/);
  const y = Array.from({ length: 24 }, (_, t) => 100 * pattern[t % 4]!);
  // A purely seasonal series: Naive2 and SES give back the pattern (adjusted data are constant).
  const out = m4Benchmarks(y, 4, 8);
  assert.equal(out.seasonal, true);
  out.forecasts.naive2.forEach((v, k) => near(v, 100 * pattern[k % 4]!, 1e-9));
  out.forecasts.ses.forEach((v, k) => near(v, 100 * pattern[k % 4]!, 1e-6));
  thetaf(y, 4, 8).forEach((v, k) => near(v, 100 * pattern[k % 4]!, 1e-6));
  assert.throws(() => benchmarkForecast('arima' as never, y, 4, 8), /method must be one of/);
  assert.throws(() => m4Benchmarks([1, 2], 1, 3), ShapeError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baselineScores, scorePanel } from '../../src/tasks/global-scores.js';
import { m4Benchmarks } from '../../src/forecasting/benchmarks.js';
import { symmetricMape } from '../../src/forecasting/accuracy.js';

test('scorePanel by hand: series weigh the same; MASE by the seasonal-naive scale, period 1 when too short', () => {
  const s = scorePanel(
    [
      // sMAPE (0 + 200*1/21) / 2; scale (period 2) mean(|3-1|, |4-2|) = 2, MAE 0.5 -> MASE 0.25; 1 of 2 inside [9, 10.5]
      { insample: [1, 2, 3, 4], actual: [10, 11], point: [10, 10], lower: [9, 9], upper: [10.5, 10.5] },
      // 2 values, period 2 undefined -> period 1: scale |7 - 5| = 2, MAE 2 -> MASE 1; sMAPE 200*2/18; 8 outside [9, 11]
      { insample: [5, 7], actual: [8], point: [10], lower: [9], upper: [11] },
    ],
    2,
  );
  const smape = ((200 * 1) / 21 / 2 + (200 * 2) / 18) / 2;
  assert.ok(Math.abs(s.smape - smape) < 1e-12, `${s.smape} vs ${smape}`);
  assert.ok(Math.abs(s.mase - (0.25 + 1) / 2) < 1e-12, String(s.mase));
  assert.equal(s.coverage, 1 / 3);
  assert.equal(s.maseSeries, 2);
});

test('baselineScores: the M4 benchmarks where they fit, the last value (counted) where they do not', () => {
  const long = Array.from({ length: 24 }, (_, t) => 50 + t + 10 * Math.sin((2 * Math.PI * t) / 4));
  const actual = [80, 70, 75, 85];
  const b = baselineScores([{ insample: long, actual }, { insample: [4, 5], actual: [6, 6, 6, 6] }], 4);
  assert.equal(b.fallbacks, 1);
  const theta = m4Benchmarks(long, 4, 4).forecasts.theta;
  const expected = (symmetricMape(actual, theta) + symmetricMape([6, 6, 6, 6], [5, 5, 5, 5])) / 2;
  assert.ok(Math.abs(b.theta.smape - expected) < 1e-12);
});

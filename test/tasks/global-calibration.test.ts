import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/index.js';
import type { Panel } from '../../src/data/panel.js';
import { calibrateIntervals, calibrateStep, describeCalibration, intervalPairs } from '../../src/tasks/global-calibration.js';
import { GlobalForecastTask } from '../../src/tasks/global-forecast.js';
import { forecastPanel } from '../../src/tasks/global-predict.js';
import { adam } from '../../src/training/optimizers/adam.js';
import { Trainer } from '../../src/training/trainer.js';

test('intervalPairs: the quantiles on both sides of the median, outermost first', () => {
  assert.deepEqual(intervalPairs([0.1, 0.5, 0.9], 1), [[0, 2]]);
  assert.deepEqual(intervalPairs([0.05, 0.25, 0.5, 0.75, 0.95], 2), [[0, 4], [1, 3]]);
  assert.deepEqual(intervalPairs([0.1, 0.5, 0.8, 0.9], 1), [[0, 3]]); // 0.8 has no partner
  assert.deepEqual(intervalPairs([0.5], 0), []);
});

test('calibrateIntervals: per step, the CQR score of the confident rank; pooled over steps for few series', () => {
  // 20 series, 2 steps, quantiles (lo, med, hi) = (-1, 0, 1) in model space; actual of series i
  // at step 0 is 1 + i / 8 (score i / 8), at step 1 is -(1 + 2i / 8) (score 2i / 8).
  const raws = Array.from({ length: 20 }, () => [-1, 0, 1, -1, 0, 1]);
  const actuals = Array.from({ length: 20 }, (_, i) => [1 + i / 8, -(1 + (2 * i) / 8)]);
  const c = calibrateIntervals(raws, actuals, [0.1, 0.5, 0.9], 1, 2);
  // confidentConformalRank(20, 0.2, 0.1) = 19: the 19th smallest score, i = 18.
  assert.deepEqual(c, { method: 'conformal', confidence: 0.9, values: 20, pooled: false, offsets: [[2.25], [4.5]] });
  // 5 series are too few for a rank per step: the 10 scores of both steps are pooled, and 10
  // are still too few for 80% with 90% confidence, so the largest score is taken.
  const few = calibrateIntervals(raws.slice(0, 5), actuals.slice(0, 5), [0.1, 0.5, 0.9], 1, 2);
  assert.equal(few.pooled, true);
  assert.equal(few.values, 10);
  assert.deepEqual(few.offsets, [[1], [1]]);
  assert.match(describeCalibration(few), /pooled over steps \(10 values: too few series for a rank per step, so no confidence is claimed\)/);
  // Five quantiles: the 90% pair (0, 4) and the 50% pair (1, 3) each at their own rank. With 40
  // series (one step), ranks 39 (90%) and 25 (50%) (scipy: binom.sf); the actual of series i is
  // 2 + i / 8 above the median, so the (0.05, 0.95) pair at +-2 scores i / 8 and (0.25, 0.75) at +-1 scores 1 + i / 8.
  const five = calibrateIntervals(
    Array.from({ length: 40 }, () => [-2, -1, 0, 1, 2]),
    Array.from({ length: 40 }, (_, i) => [2 + i / 8]),
    [0.05, 0.25, 0.5, 0.75, 0.95],
    2,
    1,
  );
  assert.deepEqual(five.offsets, [[38 / 8, 1 + 24 / 8]]);
  // Intervals that are too wide give negative scores: the offsets narrow them.
  const wide = calibrateIntervals(raws, actuals.map(() => [0.5, -0.5]), [0.1, 0.5, 0.9], 1, 2);
  assert.deepEqual(wide.offsets, [[-0.5], [-0.5]]);
});

test('calibrateStep moves each pair out by its offset, never past the median, and keeps the quantiles sorted', () => {
  const c = { method: 'conformal' as const, confidence: 0.9, values: 20, pooled: false, offsets: [[0.5, -0.2], [-3, 0]] };
  assert.deepEqual(calibrateStep([-2, -1, 0, 1, 2], 0, 2, c), [-2.5, -0.8, 0, 0.8, 2.5]);
  // Step 1: the outer pair narrowed past the median stops at it; sorting keeps the inner pair outside.
  assert.deepEqual(calibrateStep([-2, -1, 0, 1, 2], 1, 2, c), [-1, 0, 0, 0, 1]);
  // An older checkpoint's factor, or nothing.
  assert.deepEqual(calibrateStep([-2, 0, 2], 0, 1, null, 1.5), [-3, 0, 3]);
  assert.deepEqual(calibrateStep([-2, 0, 2], 0, 1, null), [-2, 0, 2]);
  assert.match(describeCalibration(c), /^conformal on validation, per step \(20 series' validation values each\), each interval's nominal share held with 90% confidence$/);
  assert.match(describeCalibration(null, 1.17), /not conformal-calibrated \(an older checkpoint: widths x 1.17/);
  assert.equal(describeCalibration(null), 'uncalibrated (the raw quantiles)');
});

/** Series i: exp(mu_i + SD e_t), e_t standard normal, independent: the future's law is known exactly. */
const SD = 0.1;
function gaussianPanel(count: number, n: number, rng: Rng): { panel: Panel; mu: number[] } {
  const mu = Array.from({ length: count }, () => rng.uniform(Math.log(10), Math.log(1000)));
  const values = mu.map((m) => Float64Array.from({ length: n }, () => Math.exp(m + SD * rng.normal())));
  return { panel: { ids: mu.map((_, i) => `s${i}`), values, categories: mu.map(() => '') }, mu };
}

test('on series with known Gaussian noise, the calibrated 80% interval holds 75-85% of fresh draws', async (t) => {
  const rng = new Rng(11);
  const h = 4;
  const { panel, mu } = gaussianPanel(600, 30, rng);
  const task = new GlobalForecastTask(panel, {
    model: { cell: 'lstm', hiddenSize: 8, numLayers: 1, dropout: 0 },
    window: 8,
    horizon: h,
    season: 1,
    quantiles: [0.1, 0.5, 0.9],
    calendar: false,
    minInput: 4,
    batchSize: 64,
    seed: 0,
  });
  await new Trainer(task, adam(task.model.parameters(), { lr: 1e-2 }), { maxSteps: 150 }).run();
  // On data this tidy the pinball loss alone gives about 80%; an over-confident network (as on
  // M1, where futures differ from the training windows) is made by pulling the head's outer
  // quantiles to 0.3 x their distance from the median.
  const { weight, bias } = task.model.fc;
  const inF = weight.shape[1]!;
  for (let k = 0; k < h; k++) {
    for (const j of [0, 2]) {
      const row = k * 3 + j;
      const med = k * 3 + 1;
      for (let c = 0; c < inF; c++) weight.data[row * inF + c] = weight.data[med * inF + c]! + 0.3 * (weight.data[row * inF + c]! - weight.data[med * inF + c]!);
      bias!.data[row] = bias!.data[med]! + 0.3 * (bias!.data[row]! - bias!.data[med]!);
    }
  }
  const calibration = task.calibration()!;
  assert.equal(calibration.pooled, false);
  assert.equal(calibration.values, 600);
  // Fresh futures of every series after its end, 50 draws per step, against the intervals
  // forecast from the end (calibrated, and as the network gives them).
  const calibrated = forecastPanel(task.predictor(), panel);
  const raw = forecastPanel(task.predictor(null), panel);
  const draws = 50;
  let inCal = 0;
  let inRaw = 0;
  let total = 0;
  mu.forEach((m, i) => {
    for (let k = 0; k < h; k++) {
      for (let d = 0; d < draws; d++) {
        const y = Math.exp(m + SD * rng.normal());
        const [cl, , cu] = calibrated[i]!.quantiles[k]!;
        const [rl, , ru] = raw[i]!.quantiles[k]!;
        if (y >= cl! && y <= cu!) inCal++;
        if (y >= rl! && y <= ru!) inRaw++;
        total++;
      }
    }
  });
  const cal = inCal / total;
  const unc = inRaw / total;
  t.diagnostic(`80% interval on fresh draws: calibrated ${cal.toFixed(3)}, uncalibrated ${unc.toFixed(3)}; offsets ${calibration.offsets.map((o) => o[0]!.toFixed(3)).join(' ')}`);
  assert.ok(cal >= 0.75 && cal <= 0.85, `calibrated coverage ${cal}`);
  assert.ok(unc < 0.5, `uncalibrated coverage ${unc}`);
  // The median is the same with or without calibration.
  assert.deepEqual(calibrated.map((f) => Array.from(f.point)), raw.map((f) => Array.from(f.point)));
});

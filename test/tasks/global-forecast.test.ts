import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, Rng } from '../../src/index.js';
import type { Panel } from '../../src/data/panel.js';
import { GlobalForecastTask } from '../../src/tasks/global-forecast.js';
import { decodeStep, seriesView } from '../../src/tasks/global-series.js';
import { adam } from '../../src/training/optimizers/adam.js';
import { Trainer } from '../../src/training/trainer.js';

const SEASON = [0.7, 1.2, 1.4, 0.7];

/** Positive series with a multiplicative season of period 4, a trend and noise, each at its own scale. */
function syntheticPanel(count: number, n: number, seed: number): Panel {
  const rng = new Rng(seed);
  const values = Array.from({ length: count }, () => {
    const scale = 10 ** rng.uniform(1, 4);
    const growth = rng.uniform(-0.01, 0.03);
    return Float64Array.from({ length: n }, (_, t) => scale * Math.exp(growth * t) * SEASON[t % 4]! * (1 + 0.03 * rng.normal()));
  });
  return { ids: values.map((_, i) => `s${i}`), values, categories: values.map((_, i) => (i % 2 ? 'A' : 'B')) };
}

test('seriesView deseasonalises and takes logs; decodeStep continues the season (round trip)', () => {
  const y = Float64Array.from({ length: 24 }, (_, t) => 100 * SEASON[t % 4]!);
  const v = seriesView(y, 4, 6);
  assert.equal(v.mode, 'log');
  assert.equal(v.seasonal, true);
  // A pure season has a flat deseasonalised level: log(100) everywhere.
  for (const z of v.z) assert.ok(Math.abs(z - Math.log(100)) < 1e-9, String(z));
  // Forecasting the flat level reproduces the season after the end (t = 24, 25, ...).
  for (let k = 0; k < 6; k++) assert.ok(Math.abs(decodeStep(v, k, Math.log(100)) - 100 * SEASON[(24 + k) % 4]!) < 1e-9);
  // A series touching 0 is only scaled: z = y / mean|y|, and back.
  const w = seriesView([0, 2, 4, -2], 4, 2);
  assert.equal(w.mode, 'scale');
  assert.deepEqual(Array.from(w.z), [0, 1, 2, -1]);
  assert.equal(decodeStep(w, 0, 1.5), 3);
  // Without a detected season (a straight line), the view is the plain log.
  const line = seriesView([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 4, 2);
  assert.equal(line.seasonal, false);
  assert.ok(Math.abs(line.z[3]! - Math.log(4)) < 1e-12);
});

test('a tiny global model on seasonal series beats seasonal naive on every series\' held-out part', async () => {
  const panel = syntheticPanel(24, 40, 1);
  const task = new GlobalForecastTask(panel, {
    model: { cell: 'lstm', hiddenSize: 12, numLayers: 1, dropout: 0 },
    window: 6,
    horizon: 4,
    season: 4,
    quantiles: [0.1, 0.5, 0.9],
    calendar: true,
    minInput: 4,
    batchSize: 32,
    seed: 0,
  });
  // Windows come from every series: 24 series x (32 - 4 - 4 + 1) windows each.
  assert.equal(task.windowCount, 24 * 25);
  await new Trainer(task, adam(task.model.parameters(), { lr: 1e-2 }), { epochs: 12, restoreBest: true }).run();
  const r = task.evaluate() as Record<string, number>;
  assert.equal(r.series, 24);
  assert.ok(r.smape < 0.7 * r.seasonalNaive_smape, `sMAPE ${r.smape} vs seasonal naive ${r.seasonalNaive_smape}`);
  assert.ok(r.mase < r.seasonalNaive_mase, `MASE ${r.mase} vs seasonal naive ${r.seasonalNaive_mase}`);
  assert.ok(r.coverage > 0.5 && r.coverage <= 1, `coverage ${r.coverage}`);
  // Forecasts past the end of every series: quantiles ordered, the median between them.
  const f = task.forecastPanel();
  assert.equal(f.length, 24);
  for (const s of f) for (const q of s.quantiles) assert.ok(q[0]! <= q[1]! && q[1]! <= q[2]!);
});

test('a series too short for validation and test parts is refused by name', () => {
  const panel: Panel = { ids: ['long', 'tiny'], values: [new Float64Array(30).fill(1), new Float64Array(8).fill(1)], categories: ['', ''] };
  assert.throws(
    () => new GlobalForecastTask(panel, { model: { cell: 'lstm', hiddenSize: 4, numLayers: 1, dropout: 0 }, window: 4, horizon: 4, season: 1, quantiles: [0.5], calendar: false, minInput: 2, batchSize: 8, seed: 0 }),
    (e: unknown) => e instanceof FormatError && /series 'tiny' has 8 values; each series needs more than 2 x horizon = 8/.test(e.message),
  );
});

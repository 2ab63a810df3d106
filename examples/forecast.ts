// Forecasting the bundled airline-passenger series: fit on the first part, compare one-step
// forecasts on the last third with the persistence and seasonal-naive baselines.
// Run: node --import tsx examples/forecast.ts
import { readFileSync } from 'node:fs';
import { buildTask, makeOptimizer, Trainer, type TaskSpec } from '../src/index.js';

const spec: TaskSpec = {
  kind: 'forecast',
  model: { cell: 'lstm', hiddenSize: 32, numLayers: 1, dropout: 0, embeddingDim: 0 },
  batchSize: 16,
  seed: 0,
  valFraction: 0.1,
  testFraction: 1 / 3,
  seqLen: 1,
  window: 12,
  horizon: 1,
};
const bytes = readFileSync(new URL('../data/airline_passengers.csv', import.meta.url));
const task = buildTask(spec, bytes, 'airline_passengers.csv');
const optimizer = makeOptimizer('adam', task.model.namedParameters(), 1e-2);
await new Trainer(task, optimizer, { epochs: 60, schedule: 'cosine', clipNorm: 5, restoreBest: true }).run();

const m = task.evaluate() as Record<string, number>;
console.log(`RMSE ${m.rmse!.toFixed(1)}  persistence ${m.naive_rmse!.toFixed(1)}  seasonal-naive ${m.seasonal_naive_rmse!.toFixed(1)} (period ${m.season})`);
if (!(m.rmse! < m.seasonal_naive_rmse!)) process.exit(1);

// One model for many series: M1's quarterly series (in-sample parts, data/m1/) in long format.
// Each series keeps its last 8 quarters for test and the 8 before for validation; recur's
// sMAPE and MASE on the test parts are printed beside Naive2 and Theta on the same parts, with
// the 80% interval's coverage, and the next 8 quarters of one series with their interval.
// Run: node --import tsx examples/global-forecast.ts
import { readFileSync } from 'node:fs';
import { adam, defaultGlobalOptions, forecastPanel, GlobalForecastTask, longPanel, parseCsv, Trainer } from '../src/index.js';

const text = readFileSync(new URL('../data/m1/m1_quarterly_train.csv', import.meta.url), 'utf8');
const all = longPanel(parseCsv(text, 'm1_quarterly_train.csv'), { id: 'series', time: 't', value: 'value' }, 'm1_quarterly_train.csv');
// Each series needs more than 2 x 8 values (test and validation parts): 27 of the 203 are shorter.
const keep = all.values.map((y, i) => (y.length > 16 ? i : -1)).filter((i) => i >= 0);
const panel = { ids: keep.map((i) => all.ids[i]!), values: keep.map((i) => all.values[i]!), categories: keep.map(() => '') };
// Horizon 8, season 4: windows of 10 quarters, a 1x32 LSTM, quantiles 0.1 / 0.5 / 0.9.
const task = new GlobalForecastTask(panel, defaultGlobalOptions(8, 4));
await new Trainer(task, adam(task.model.parameters(), { lr: 3e-3 }), { maxSteps: 600, schedule: 'cosine', clipNorm: 5, restoreBest: true }).run();

const m = task.evaluate() as Record<string, number>;
console.log(`${panel.ids.length} series: sMAPE ${m.smape!.toFixed(2)} MASE ${m.mase!.toFixed(3)} (Naive2 ${m.naive2_smape!.toFixed(2)} / ${m.naive2_mase!.toFixed(3)}, Theta ${m.theta_smape!.toFixed(2)} / ${m.theta_mase!.toFixed(3)}); 80% interval holds ${(100 * m.coverage!).toFixed(1)}%`);
const next = forecastPanel(task.predictor(), { ids: [panel.ids[0]!], values: [panel.values[0]!], categories: [''] })[0]!;
console.log(`${panel.ids[0]} next 8 quarters: ${next.quantiles.map((q) => `${q[1]!.toFixed(1)} [${q[0]!.toFixed(1)}, ${q[2]!.toFixed(1)}]`).join(', ')}`);
if (!(m.smape! < m.naive2_smape!)) process.exit(1);

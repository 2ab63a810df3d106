// recur's global recurrent forecaster on the M1 competition (data/m1/), beside the classical
// benchmarks computed in the same run on the same test parts: one model per frequency, trained on
// every series' in-sample part (its last h values for validation), scored on the M1 test part.
//
//   node --import tsx scripts/m1-recur.ts [--kind monthly|quarterly|yearly|all] [--json]
//        [--hidden 32] [--window N] [--steps 2000 | --epochs N] [--lr 3e-3] [--batch 64] [--seed 0] [--ensemble K]
//        [--no-calendar] [--no-category] [--no-deseasonalise] [--min-input N] [--recurrent-dropout p] [--average decay] [--verbose]
import { loadM1Panel, M1_KINDS } from './m1-data.js';
import { GlobalForecastTask } from '../src/tasks/global-forecast.js';
import { baselineScores, COMPARED_METHODS, scorePanel, type ScoredSeries } from '../src/tasks/global-scores.js';
import { defaultGlobalOptions } from '../src/tasks/global-defaults.js';
import { adam } from '../src/training/optimizers/adam.js';
import { Trainer } from '../src/training/trainer.js';
import { m4SeasonalIndices } from '../src/forecasting/seasonality.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name: string): number | undefined => (flag(name) === undefined ? undefined : Number(flag(name)));
const asJson = args.includes('--json');
const which = flag('kind') ?? 'all';

const rows: Array<Record<string, number | string>> = [];
for (const { kind, m, h } of M1_KINDS) {
  if (which !== 'all' && which !== kind) continue;
  const panel = loadM1Panel(kind, !args.includes('--no-category'));
  const d = defaultGlobalOptions(h, m);
  const options = {
    ...d,
    model: { ...d.model, hiddenSize: num('hidden') ?? d.model.hiddenSize, ...(num('recurrent-dropout') ? { recurrentDropout: num('recurrent-dropout') } : {}) },
    window: num('window') ?? d.window,
    batchSize: num('batch') ?? d.batchSize,
    seed: num('seed') ?? 0,
    calendar: args.includes('--no-calendar') ? false : d.calendar,
    minInput: num('min-input') ?? d.minInput,
    deseasonalise: !args.includes('--no-deseasonalise'),
  };
  const started = performance.now();
  const members = num('ensemble') ?? 1;
  const heldOut: ScoredSeries[][] = [];
  let report: Record<string, number> = {};
  let windows = 0;
  let best = NaN;
  for (let e = 0; e < members; e++) {
    const task = new GlobalForecastTask(panel, { ...options, seed: options.seed + e });
    windows = task.windowCount;
    const trainer = new Trainer(task, adam(task.model.parameters(), { lr: num('lr') ?? 3e-3 }), {
      ...(num('epochs') ? { epochs: num('epochs') } : { maxSteps: num('steps') ?? 2000 }),
      schedule: 'cosine',
      clipNorm: 5,
      restoreBest: true,
      ...(num('average') ? { averageDecay: num('average') } : {}),
    });
    trainer.on('evaluation', (ev) => {
      if (!asJson && args.includes('--verbose')) console.error(`${kind} epoch ${ev.epoch} ${JSON.stringify(ev.validation.metrics)}`);
    });
    if (e === 0 && args.includes('--verbose')) {
      const b = baselineScores(task.heldOut('validation'), m);
      console.error(`${kind}: ${task.windowCount} windows; validation sMAPE of the baselines: ${COMPARED_METHODS.map((k) => `${k} ${b[k].smape.toFixed(2)}`).join(', ')}`);
    }
    await trainer.run();
    best = trainer.state.best ?? NaN;
    if (e === 0) report = task.evaluate() as Record<string, number>;
    heldOut.push(task.heldOut('test'));
    if (members > 1) console.error(`${kind} member ${e}: ${JSON.stringify(scorePanel(heldOut[e]!, m))}`);
  }
  const seconds = (performance.now() - started) / 1000;
  // Members' quantiles averaged (Vincentization), series by series.
  const mean = (xs: Array<ArrayLike<number> | undefined>) => {
    const ok = xs.filter((x): x is ArrayLike<number> => x !== undefined);
    return ok.length ? Float64Array.from({ length: ok[0]!.length }, (_, k) => ok.reduce((a, x) => a + x[k]!, 0) / ok.length) : undefined;
  };
  const combined = heldOut[0]!.map((s, i) => ({ ...s, point: mean(heldOut.map((h) => h[i]!.point))!, lower: mean(heldOut.map((h) => h[i]!.lower)), upper: mean(heldOut.map((h) => h[i]!.upper)) }));
  const sc = scorePanel(combined, m);
  // The series the M4 test finds seasonal: recur against seasonal naive on them alone.
  const seasonal = m > 1 ? combined.filter((c) => m4SeasonalIndices(Array.from(c.insample), m, h).seasonal) : [];
  const seasonalScores = seasonal.length ? { recur: scorePanel(seasonal, m), naive: baselineScores(seasonal, m).seasonalNaive } : null;
  rows.push({
    kind, series: panel.ids.length, windows, seconds, best_val_smape: best, ...report, smape: sc.smape, mase: sc.mase, coverage: sc.coverage,
    ...(seasonalScores ? { seasonal_series: seasonal.length, seasonal_smape: seasonalScores.recur.smape, seasonal_mase: seasonalScores.recur.mase, seasonal_snaive_smape: seasonalScores.naive.smape, seasonal_snaive_mase: seasonalScores.naive.mase } : {}),
  });
}

if (asJson) console.log(JSON.stringify(rows, null, 2));
else {
  const f = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : String(v));
  console.log('M1, mean over series: sMAPE (%) / MASE on the M1 test part; recur trained in the same run');
  console.log('frequency   series  train s   recur          cover80  seasonal-naive  Naive2         damped         Theta');
  for (const r of rows) {
    const pair = (p: string) => `${f(r[`${p}smape`])} / ${f(r[`${p}mase`], 3)}`.padEnd(15);
    console.log(
      `${String(r.kind).padEnd(12)}${String(r.series).padEnd(8)}${f(r.seconds, 0).padEnd(10)}${pair('')}${f(r.coverage, 3).padEnd(9)}` +
        `${pair('seasonalNaive_')} ${pair('naive2_')}${pair('damped_')}${pair('theta_')}`,
    );
  }
  for (const r of rows.filter((x) => x.seasonal_series !== undefined)) {
    console.log(`${r.kind}: the ${r.seasonal_series} series the M4 test finds seasonal: recur ${pair2(r, 'seasonal_')} vs seasonal-naive ${pair2(r, 'seasonal_snaive_')}`);
  }
}

function pair2(r: Record<string, number | string>, p: string): string {
  return `${Number(r[`${p}smape`]).toFixed(2)} / ${Number(r[`${p}mase`]).toFixed(3)}`;
}

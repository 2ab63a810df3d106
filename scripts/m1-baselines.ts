// The classical benchmarks on the M1 competition (1,001 series, data/m1/): mean sMAPE and MASE of
// every method per frequency (yearly h = 6, quarterly h = 8, monthly h = 18, as in M1/Mcomp), and
// OWA relative to Naive2. These are the numbers a global recurrent forecaster must beat.
//
//   node --import tsx scripts/m1-baselines.ts [--json] [--compare-r FILE]
//
// --compare-r FILE: also compare every forecast with R's, from
//   Rscript scripts/make-forecast-fixtures.R --all FILE   (needs R and the forecast package)
import { readFileSync } from 'node:fs';
import { BENCHMARK_METHODS, type BenchmarkMethod, m4Benchmarks } from '../src/forecasting/benchmarks.js';
import { forecastMase, intervalCoverage, meanScaledIntervalScore, overallWeightedAverage, symmetricMape } from '../src/forecasting/accuracy.js';
import { type IntervalMethod, m4BenchmarkIntervals } from '../src/forecasting/intervals.js';
import { readM1Long } from './m1-data.js';

const INTERVAL_METHODS: readonly IntervalMethod[] = ['naive', 'seasonalNaive', 'naive2', 'ses', 'holt', 'damped'];

const KINDS = [
  { kind: 'yearly', m: 1, h: 6 },
  { kind: 'quarterly', m: 4, h: 8 },
  { kind: 'monthly', m: 12, h: 18 },
] as const;

interface Series {
  name: string;
  train: number[];
  test: number[];
}

/** Reads `series,t,value` rows (header first) into per-series arrays ordered by t. */
function loadKind(kind: string): Series[] {
  const train = readM1Long(kind, 'train');
  const test = readM1Long(kind, 'test');
  return [...train].map(([name, y]) => ({ name, train: y, test: test.get(name)! }));
}

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const rIndex = args.indexOf('--compare-r');
const rFile = rIndex >= 0 ? args[rIndex + 1] : undefined;
type RRecord = { series: string; forecasts: Record<BenchmarkMethod, number[]>; accuracy: Record<BenchmarkMethod, { smape: number; mase: number }> };
const rForecasts = rFile ? new Map((JSON.parse(readFileSync(rFile, 'utf8')).series as RRecord[]).map((s) => [s.series, s])) : null;

const results: Record<string, Record<string, { smape: number; mase: number; owa: number }>> = {};
const intervalResults: Record<string, Record<string, { coverage: number; msis: number }>> = {};
const agreement: Record<string, Record<string, { maxRelDiff: number; smapeR: number; maseR: number }>> = {};
const started = Date.now();
for (const { kind, m, h } of KINDS) {
  const series = loadKind(kind);
  const sums = Object.fromEntries(BENCHMARK_METHODS.map((k) => [k, { smape: 0, mase: 0 }]));
  const rSums = Object.fromEntries(BENCHMARK_METHODS.map((k) => [k, { smape: 0, mase: 0, maxRelDiff: 0 }]));
  const intervalSums = Object.fromEntries(INTERVAL_METHODS.map((k) => [k, { coverage: 0, msis: 0 }]));
  let seasonal = 0;
  for (const s of series) {
    const intervals = m4BenchmarkIntervals(s.train, m, h, 95);
    for (const method of INTERVAL_METHODS) {
      const { lower, upper } = intervals[method];
      intervalSums[method]!.coverage += intervalCoverage(s.test, lower, upper);
      intervalSums[method]!.msis += meanScaledIntervalScore(s.test, lower, upper, s.train, m, 0.05);
    }
    if (s.test.length !== h) throw new Error(`${s.name}: expected ${h} test values, got ${s.test.length}`);
    const out = m4Benchmarks(s.train, m, h);
    if (out.seasonal) seasonal++;
    const r = rForecasts?.get(s.name);
    for (const method of BENCHMARK_METHODS) {
      const f = out.forecasts[method];
      sums[method]!.smape += symmetricMape(s.test, f);
      sums[method]!.mase += forecastMase(s.test, f, s.train, m);
      if (r) {
        const rf = r.forecasts[method];
        for (let k = 0; k < h; k++) {
          const d = Math.abs(f[k]! - rf[k]!) / Math.max(Math.abs(rf[k]!), 1e-12);
          rSums[method]!.maxRelDiff = Math.max(rSums[method]!.maxRelDiff, d);
        }
        rSums[method]!.smape += r.accuracy[method].smape;
        rSums[method]!.mase += r.accuracy[method].mase;
      }
    }
  }
  const n = series.length;
  const naive2 = { smape: sums.naive2!.smape / n, mase: sums.naive2!.mase / n };
  results[kind] = Object.fromEntries(
    BENCHMARK_METHODS.map((method) => {
      const score = { smape: sums[method]!.smape / n, mase: sums[method]!.mase / n };
      return [method, { ...score, owa: overallWeightedAverage(score, naive2) }];
    }),
  );
  intervalResults[kind] = Object.fromEntries(
    INTERVAL_METHODS.map((k) => [k, { coverage: intervalSums[k]!.coverage / n, msis: intervalSums[k]!.msis / n }]),
  );
  if (rForecasts) {
    agreement[kind] = Object.fromEntries(
      BENCHMARK_METHODS.map((method) => [method, { maxRelDiff: rSums[method]!.maxRelDiff, smapeR: rSums[method]!.smape / n, maseR: rSums[method]!.mase / n }]),
    );
  }
  if (!asJson) console.log(`${kind}: ${n} series, h = ${h}, m = ${m}, ${seasonal} found seasonal by the 90% test`);
}

if (asJson) {
  console.log(JSON.stringify({ results, intervals95: intervalResults, agreement: rForecasts ? agreement : undefined }, null, 2));
} else {
  const pad = (s: string, w: number) => s.padStart(w);
  console.log(`\nM1, mean over series (sMAPE in %, MASE, OWA vs Naive2); ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(['method'.padEnd(14), ...KINDS.map((k) => pad(`${k.kind} sMAPE  MASE   OWA`, 30))].join(''));
  for (const method of BENCHMARK_METHODS) {
    const cells = KINDS.map(({ kind }) => {
      const r = results[kind]![method]!;
      return pad(`${r.smape.toFixed(2)} ${r.mase.toFixed(3)} ${r.owa.toFixed(3)}`, 30);
    });
    console.log([method.padEnd(14), ...cells].join(''));
  }
  console.log('\n95% prediction intervals: coverage of the test values (target 0.95) and MSIS');
  console.log(['method'.padEnd(14), ...KINDS.map((k) => pad(`${k.kind} coverage   MSIS`, 30))].join(''));
  for (const method of INTERVAL_METHODS) {
    const cells = KINDS.map(({ kind }) => {
      const r = intervalResults[kind]![method]!;
      return pad(`${r.coverage.toFixed(3)} ${r.msis.toFixed(2)}`, 30);
    });
    console.log([method.padEnd(14), ...cells].join(''));
  }
  if (rForecasts) {
    console.log('\nAgreement with R (forecast 8.20 + M4 code): max relative difference of any forecast value; R\'s mean sMAPE / MASE');
    for (const method of BENCHMARK_METHODS) {
      const cells = KINDS.map(({ kind }) => {
        const a = agreement[kind]![method]!;
        return pad(`${a.maxRelDiff.toExponential(1)} ${a.smapeR.toFixed(2)} ${a.maseR.toFixed(3)}`, 30);
      });
      console.log([method.padEnd(14), ...cells].join(''));
    }
  }
}

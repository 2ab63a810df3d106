import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { forecastMase, symmetricMape } from '../../src/forecasting/accuracy.js';
import { type BenchmarkMethod, BENCHMARK_METHODS, benchmarkForecast, m4Benchmarks } from '../../src/forecasting/benchmarks.js';
import { fitExponentialSmoothing, type SmoothingTrend } from '../../src/forecasting/exponential-smoothing.js';
import { autocorrelation, decomposeMultiplicative, m4SeasonalIndices } from '../../src/forecasting/seasonality.js';

/*
 * Against R: test/fixtures/forecasting/m1-r-reference.json holds, for 15 M1 series, what R 4.2.2
 * with forecast 8.20 and the M4 competition's benchmark code compute (scripts/make-forecast-fixtures.R).
 * Tolerances: naive, seasonal naive, Naive2, acf and the decomposition are arithmetic, so 1e-12
 * relative. SES, Holt, damped and Theta are optimised; we run R's own Nelder-Mead on the same
 * objective from the same start, so they agree to ~1e-11 in practice; 1e-8 is asserted. One
 * series (YAF10, n = 9) is too short for a damped model: forecast::ets falls back to Holt-Winters
 * fitted by L-BFGS-B, which we minimise with Nelder-Mead instead: 1e-4 relative there.
 */

interface Fit { alpha?: number; beta?: number; phi?: number; l0?: number; b0?: number; mse: number }
interface Reference {
  series: string;
  kind: string;
  frequency: number;
  h: number;
  y: number[];
  actual: number[];
  acf?: number[];
  seasonal: boolean;
  seasonalIndices: number[];
  decomposition?: { figure: number[]; trend: Array<number | null> };
  forecasts: Record<BenchmarkMethod, number[]>;
  fits: Record<'ses' | 'holt' | 'damped', Fit>;
  accuracy: Record<BenchmarkMethod, { smape: number; mase: number }>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/forecasting/m1-r-reference.json', import.meta.url), 'utf8')) as {
  series: Reference[];
  m1Means: Record<string, Record<BenchmarkMethod, { smape: number; mase: number }>>;
};

function assertClose(what: string, got: readonly number[], want: readonly number[], rel: number): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const tol = rel * Math.max(1, Math.abs(want[i]!));
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${what}[${i}]: ${got[i]} vs R ${want[i]} (tolerance ${tol})`);
  }
}

const EXACT = 1e-12;
const OPTIMISED = 1e-8;
const FALLBACK = 1e-4;
const fallbackSeries = new Set(['YAF10']);

test('fixture covers yearly, quarterly and monthly, seasonal and not, and the short-series fallback', () => {
  const kinds = new Set(fixture.series.map((s) => s.kind));
  assert.deepEqual([...kinds].sort(), ['monthly', 'quarterly', 'yearly']);
  assert.ok(fixture.series.filter((s) => s.seasonal).length >= 4);
  assert.ok(fixture.series.filter((s) => !s.seasonal && s.frequency > 1).length >= 4);
  assert.ok(fixture.series.some((s) => fallbackSeries.has(s.series)));
});

for (const s of fixture.series) {
  test(`${s.series} (${s.kind}, n = ${s.y.length}): seasonality, decomposition and every benchmark match R`, () => {
    if (s.acf) assertClose('acf', autocorrelation(s.y, Math.max(1, s.frequency)), s.acf, EXACT);
    const indices = m4SeasonalIndices(s.y, s.frequency, s.h);
    assert.equal(indices.seasonal, s.seasonal, 'seasonality test outcome');
    assertClose('seasonal indices', indices.horizon, s.seasonalIndices, EXACT);
    if (s.decomposition) {
      const d = decomposeMultiplicative(s.y, s.frequency);
      assertClose('figure', d.figure, s.decomposition.figure, EXACT);
      assert.deepEqual(d.trend.map(Number.isNaN), s.decomposition.trend.map((v) => v === null), 'trend NA positions');
      const defined = s.decomposition.trend.flatMap((v, i) => (v === null ? [] : [[d.trend[i]!, v] as const]));
      assertClose('trend', defined.map((p) => p[0]), defined.map((p) => p[1]), EXACT);
    }
    const ours = m4Benchmarks(s.y, s.frequency, s.h).forecasts;
    for (const method of BENCHMARK_METHODS) {
      const arithmetic = method === 'naive' || method === 'seasonalNaive' || method === 'naive2';
      const damping = method === 'damped' || method === 'comb';
      const tol = arithmetic ? EXACT : fallbackSeries.has(s.series) && damping ? FALLBACK : OPTIMISED;
      assertClose(method, ours[method], s.forecasts[method], tol);
      // The single-method entry point gives the same numbers as the all-at-once one.
      assertClose(`${method} alone`, benchmarkForecast(method, s.y, s.frequency, s.h), ours[method], 1e-15);
    }
  });
}

test('fitted smoothing parameters and initial states match forecast::ses/holt (ets, opt.crit = "mse")', () => {
  const trends: Record<'ses' | 'holt' | 'damped', SmoothingTrend> = { ses: 'none', holt: 'additive', damped: 'damped' };
  for (const s of fixture.series) {
    const { inSample } = m4SeasonalIndices(s.y, s.frequency, s.h);
    const adjusted = s.y.map((v, t) => v / inSample[t]!);
    for (const key of ['ses', 'holt', 'damped'] as const) {
      if (key === 'damped' && fallbackSeries.has(s.series)) continue;
      const fit = fitExponentialSmoothing(adjusted, { trend: trends[key] });
      const r = s.fits[key];
      const where = `${s.series} ${key}`;
      assert.equal(fit.estimation, 'ets', where);
      assert.ok(Math.abs(fit.alpha - r.alpha!) < 1e-7, `${where} alpha ${fit.alpha} vs ${r.alpha}`);
      if (r.beta !== undefined) assert.ok(Math.abs(fit.beta - r.beta) < 1e-7, `${where} beta ${fit.beta} vs ${r.beta}`);
      if (r.phi !== undefined) assert.ok(Math.abs(fit.phi - r.phi) < 1e-7, `${where} phi ${fit.phi} vs ${r.phi}`);
      assertClose(`${where} l0`, [fit.level0], [r.l0!], 1e-7);
      assertClose(`${where} mse`, [fit.mse], [r.mse], 1e-9);
    }
  }
});

test('too-short series: the Holt-Winters fallback reaches R\'s in-sample error', () => {
  for (const s of fixture.series.filter((x) => fallbackSeries.has(x.series))) {
    const fit = fitExponentialSmoothing(s.y, { trend: 'damped' });
    assert.equal(fit.estimation, 'holt-winters');
    assert.equal(fit.phi, 1, 'no damping, as in R');
    // Nelder-Mead vs R's L-BFGS-B: our in-sample MSE is within 1e-6 of R's, never much above it.
    assert.ok(fit.mse <= s.fits.damped.mse * (1 + 1e-6), `mse ${fit.mse} vs R ${s.fits.damped.mse}`);
  }
});

test('sMAPE and MASE equal the M4 R code (smape_cal, MASE) on R\'s forecasts', () => {
  for (const s of fixture.series) {
    for (const method of BENCHMARK_METHODS) {
      const want = s.accuracy[method];
      assertClose(`${s.series} ${method} sMAPE`, [symmetricMape(s.actual, s.forecasts[method])], [want.smape], EXACT);
      assertClose(`${s.series} ${method} MASE`, [forecastMase(s.actual, s.forecasts[method], s.y, s.frequency)], [want.mase], EXACT);
    }
  }
});

import { OptionError, ShapeError } from '../errors.js';
import { rangeOption, rejectUnknownOptions } from '../options.js';
import { checkPositiveInt, checkSeries } from './series-checks.js';

/*
 * The seasonality machinery of the M4 competition's benchmarks (Makridakis et al. 2020, the
 * published R code "Benchmarks and Evaluation.R"): a 90% autocorrelation test at the seasonal lag
 * and R's classical multiplicative decomposition, whose seasonal figure deseasonalises a series
 * before Naive2, SES, Holt, damped and Theta, and reseasonalises their forecasts.
 */

/**
 * Sample autocorrelations r_1..r_maxLag as R's `acf()` computes them: the series minus its
 * mean, lag-k sums divided by n, over the lag-0 sum (so |r_k| <= 1).
 *
 * @example
 * autocorrelation([1, 2, 3, 4], 1); // [0.25]
 */
export function autocorrelation(y: ArrayLike<number>, maxLag: number): number[] {
  const what = 'autocorrelation';
  const x = checkSeries(what, 'y', y, 2);
  const lags = checkPositiveInt(what, 'maxLag', maxLag);
  if (lags >= x.length) throw new ShapeError(`${what}: maxLag must be below the series length ${x.length}, got ${lags}`);
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  const d = x.map((v) => v - mean);
  const cov = (lag: number): number => {
    let s = 0;
    for (let i = 0; i < n - lag; i++) s += d[i + lag]! * d[i]!;
    return s / n;
  };
  const c0 = cov(0);
  const se = Math.sqrt(c0);
  const out: number[] = [];
  for (let k = 1; k <= lags; k++) {
    const r = c0 === 0 ? 0 : cov(k) / (se * se);
    out.push(Math.max(-1, Math.min(1, r)));
  }
  return out;
}

/** The outcome of {@link seasonalityTest}. */
export interface SeasonalityTestResult {
  /** True when |r_m| exceeds the limit: the series is treated as seasonal. */
  seasonal: boolean;
  /** The autocorrelation at the seasonal lag m (NaN when the series was too short to test). */
  acfAtPeriod: number;
  /** tcrit * sqrt((1 + 2 * sum_{k<m} r_k^2) / n) (NaN when not tested). */
  limit: number;
}

/**
 * The M4 benchmarks' seasonality test (`SeasonalityTest` in the M4 R code): a series with period
 * `m > 1` and at least 3m values is seasonal when its lag-m autocorrelation exceeds, in absolute
 * value, `tcrit * sqrt((1 + 2 * sum_{k=1}^{m-1} r_k^2) / n)` (Bartlett's limit; tcrit 1.645, a 90%
 * two-sided test). `m = 1` or fewer than `minCycles * m` values: not seasonal. forecast::thetaf
 * uses the same statistic with tcrit = qnorm(0.95) and `n > 2m` (see {@link thetaf}).
 *
 * @example
 * seasonalityTest(monthlySales, 12); // { seasonal: true, acfAtPeriod: 0.71, limit: 0.36 }
 */
export function seasonalityTest(
  y: ArrayLike<number>,
  m: number,
  options: { tcrit?: number; minCycles?: number } = {},
): SeasonalityTestResult {
  const what = 'seasonalityTest';
  rejectUnknownOptions(what, options, ['tcrit', 'minCycles']);
  const x = checkSeries(what, 'y', y, 1);
  const period = checkPositiveInt(what, 'm', m);
  const tcrit = rangeOption(what, 'tcrit', options.tcrit ?? 1.645, 0, Infinity);
  const minCycles = rangeOption(what, 'minCycles', options.minCycles ?? 3, 1, Infinity);
  const untested = { seasonal: false, acfAtPeriod: Number.NaN, limit: Number.NaN };
  if (period === 1 || x.length < minCycles * period || x.length <= period) return untested;
  return acfSeasonality(x, period, tcrit);
}

/** The test's statistic without the length rule (shared with thetaf, which has its own rule). */
export function acfSeasonality(x: number[], m: number, tcrit: number): SeasonalityTestResult {
  const r = autocorrelation(x, m);
  let s = 1;
  for (let k = 0; k < m - 1; k++) s += 2 * r[k]! * r[k]!;
  const limit = (tcrit / Math.sqrt(x.length)) * Math.sqrt(s);
  const acfAtPeriod = r[m - 1]!;
  return { seasonal: Math.abs(acfAtPeriod) > limit, acfAtPeriod, limit };
}

/** The outcome of {@link decomposeMultiplicative}. */
export interface MultiplicativeDecomposition {
  /** The m seasonal indices, normalised to mean 1; figure[j] belongs to positions j, j+m, ... */
  figure: number[];
  /** The centred moving average (2 x m when m is even); NaN for the first and last m/2 points. */
  trend: number[];
  /** figure tiled over the series: seasonal[t] = figure[t mod m]. */
  seasonal: number[];
}

/**
 * Classical multiplicative decomposition, as R's `decompose(x, type = "multiplicative")`: the
 * trend is a centred moving average of order m (weights 1/2m at both ends when m is even), the
 * seasonal figure is the mean of y / trend at each position of the cycle, scaled to mean 1.
 * Positions count from the first value (as in R, which ignores the calendar start here).
 *
 * @example
 * const { figure } = decomposeMultiplicative(quarterlySales, 4); // e.g. [0.91, 1.05, 1.12, 0.92]
 */
export function decomposeMultiplicative(y: ArrayLike<number>, m: number): MultiplicativeDecomposition {
  const what = 'decomposeMultiplicative';
  const period = checkPositiveInt(what, 'm', m);
  if (period < 2) throw new OptionError(`${what}: m must be >= 2 (a seasonal period), got ${period}`);
  const x = checkSeries(what, 'y', y, 2 * period);
  const n = x.length;
  // R's filter(x, w, sides = 2): out[i] = sum_j w[j] * x[i + o - j], o = floor(length(w) / 2).
  const w = period % 2 === 0 ? [0.5, ...new Array<number>(period - 1).fill(1), 0.5].map((v) => v / period) : new Array<number>(period).fill(1 / period);
  const o = Math.floor(w.length / 2);
  const trend = new Array<number>(n).fill(Number.NaN);
  for (let i = w.length - 1 - o; i + o < n; i++) {
    let z = 0;
    for (let j = 0; j < w.length; j++) z += w[j]! * x[i + o - j]!;
    trend[i] = z;
  }
  const figure: number[] = [];
  for (let j = 0; j < period; j++) {
    let s = 0;
    let count = 0;
    for (let t = j; t < n; t += period) {
      const ratio = x[t]! / trend[t]!;
      if (!Number.isNaN(ratio)) {
        s += ratio;
        count++;
      }
    }
    figure.push(s / count);
  }
  const figureMean = figure.reduce((a, b) => a + b, 0) / period;
  // Like R, no check that the indices are positive: that is the caller's concern (a positive series).
  const scaled = figure.map((f) => f / figureMean);
  return { figure: scaled, trend, seasonal: x.map((_, t) => scaled[t % period]!) };
}

/**
 * Seasonal indices to deseasonalise `y` and reseasonalise an h-step forecast, by the M4
 * benchmarks' rule: when {@link seasonalityTest} finds the series seasonal, the multiplicative
 * figure (in-sample indices, then the last cycle's indices repeated over the horizon); otherwise
 * all ones.
 *
 * @example
 * const { seasonal, inSample, horizon } = m4SeasonalIndices(y, 12, 18);
 * const adjusted = y.map((v, t) => v / inSample[t]);
 */
export function m4SeasonalIndices(
  y: ArrayLike<number>,
  m: number,
  h: number,
): { seasonal: boolean; inSample: number[]; horizon: number[] } {
  const what = 'm4SeasonalIndices';
  const x = checkSeries(what, 'y', y, 1);
  const steps = checkPositiveInt(what, 'h', h);
  const test = seasonalityTest(x, m);
  if (!test.seasonal) return { seasonal: false, inSample: x.map(() => 1), horizon: new Array<number>(steps).fill(1) };
  const { figure, seasonal } = decomposeMultiplicative(x, m);
  return { seasonal: true, inSample: seasonal, horizon: futureIndices(figure, x.length, steps) };
}

/** The figure continued past n values: index for step k (0-based) is figure[(n + k) mod m]. */
export function futureIndices(figure: readonly number[], n: number, h: number): number[] {
  const m = figure.length;
  return Array.from({ length: h }, (_, k) => figure[(n + k) % m]!);
}

import { ShapeError } from '../errors.js';
import { rangeOption } from '../options.js';
import { type ExponentialSmoothingFit, fitExponentialSmoothing, forecastExponentialSmoothing } from './exponential-smoothing.js';
import { normalQuantile } from './normal-quantile.js';
import { m4SeasonalIndices } from './seasonality.js';
import { checkPositiveInt, checkSeries } from './series-checks.js';

/*
 * Gaussian prediction intervals of the classical baselines, as R's forecast package computes
 * them: naive and seasonal naive by forecast's lagwalk (variance of the lag-m differences times
 * the number of periods ahead), exponential smoothing by ets's analytic "class 1" variance
 * (Hyndman et al. 2008): var_k = sigma2 * (1 + sum_{j<k} c_j^2), c_j = alpha + beta (phi + ... + phi^j).
 * With the M4 seasonal adjustment, the adjusted series' interval is multiplied by the indices,
 * as its point forecast is (the M4 code has no intervals for these benchmarks; this is our extension).
 */

/** Lower and upper bounds, one per step ahead. */
export interface PredictionInterval {
  lower: number[];
  upper: number[];
}

function zFor(what: string, level: number): number {
  rangeOption(what, 'level', level, Number.MIN_VALUE, 100);
  return normalQuantile(0.5 + level / 200);
}

/**
 * forecast::naive / snaive intervals: the forecast repeats the last `lag` values and its standard
 * error at step k is sqrt(mse * ceil(k / lag)), mse = mean of the squared lag-differences.
 *
 * @example
 * naiveInterval([1, 3, 2, 4], 2); // lag 1, 95%: last value ± 1.96 * sqrt(mse * k)
 */
export function naiveInterval(y: ArrayLike<number>, h: number, options: { lag?: number; level?: number } = {}): PredictionInterval {
  const what = 'naiveInterval';
  const lag = checkPositiveInt(what, 'lag', options.lag ?? 1);
  const x = checkSeries(what, 'y', y, lag + 1);
  const steps = checkPositiveInt(what, 'h', h);
  const z = zFor(what, options.level ?? 95);
  let sse = 0;
  for (let t = lag; t < x.length; t++) sse += (x[t]! - x[t - lag]!) ** 2;
  const mse = sse / (x.length - lag);
  const lower: number[] = [];
  const upper: number[] = [];
  for (let k = 0; k < steps; k++) {
    const f = x[x.length - lag + (k % lag)]!;
    const se = Math.sqrt(mse * (Math.floor(k / lag) + 1));
    lower.push(f - z * se);
    upper.push(f + z * se);
  }
  return { lower, upper };
}

/**
 * Intervals of a fitted exponential smoothing model (forecast.ets's class 1 variance).
 *
 * @example
 * const fit = fitExponentialSmoothing(y, { trend: 'damped' });
 * exponentialSmoothingInterval(fit, 6, 80);
 */
export function exponentialSmoothingInterval(fit: ExponentialSmoothingFit, h: number, level = 95): PredictionInterval {
  const what = 'exponentialSmoothingInterval';
  const steps = checkPositiveInt(what, 'h', h);
  const z = zFor(what, level);
  if (!(fit.sigma2 >= 0)) throw new ShapeError(`${what}: fit.sigma2 must be a variance >= 0, got ${fit.sigma2}`);
  const mean = forecastExponentialSmoothing(fit, steps);
  const trend = fit.trend !== 'none';
  // c_j = H F^(j-1) G with H = [1, phi], F = [[1, phi], [0, phi]], G = [alpha, beta] (phi = 1 undamped).
  const phi = trend ? fit.phi : 0;
  let f11 = 1, f12 = 0, f22 = 1; // F^(j-1), upper triangular
  let cumulative = 0;
  const lower: number[] = [];
  const upper: number[] = [];
  for (let k = 0; k < steps; k++) {
    const se = Math.sqrt(fit.sigma2 * (1 + cumulative));
    lower.push(mean[k]! - z * se);
    upper.push(mean[k]! + z * se);
    const h1 = f11;
    const h2 = trend ? f12 + phi * f22 : 0;
    const c = h1 * fit.alpha + h2 * fit.beta;
    cumulative += c * c;
    [f11, f12, f22] = [f11, f11 * phi + f12 * phi, f22 * phi];
  }
  return { lower, upper };
}

/** The benchmarks that have intervals. */
export type IntervalMethod = 'naive' | 'seasonalNaive' | 'naive2' | 'ses' | 'holt' | 'damped';

/**
 * Intervals of the M4 benchmarks that have them (see {@link m4Benchmarks}): naive and seasonal
 * naive on the raw series, Naive2, SES, Holt and damped on the seasonally adjusted series with
 * both bounds multiplied by the seasonal indices.
 *
 * @example
 * const { damped } = m4BenchmarkIntervals(quarterlySales, 4, 8, 95);
 * intervalCoverage(actual, damped.lower, damped.upper);
 */
export function m4BenchmarkIntervals(y: ArrayLike<number>, m: number, h: number, level = 95): Record<IntervalMethod, PredictionInterval> {
  const what = 'm4BenchmarkIntervals';
  const x = checkSeries(what, 'y', y, 3);
  const period = checkPositiveInt(what, 'm', m);
  const steps = checkPositiveInt(what, 'h', h);
  const { inSample, horizon } = m4SeasonalIndices(x, period, steps);
  const adjusted = x.map((v, t) => v / inSample[t]!);
  const reseason = (i: PredictionInterval): PredictionInterval => ({
    lower: i.lower.map((v, k) => v * horizon[k]!),
    upper: i.upper.map((v, k) => v * horizon[k]!),
  });
  const smoothing = (trend: 'none' | 'additive' | 'damped') =>
    reseason(exponentialSmoothingInterval(fitExponentialSmoothing(adjusted, { trend }), steps, level));
  return {
    naive: naiveInterval(x, steps, { level }),
    seasonalNaive: naiveInterval(x, steps, { lag: period, level }),
    naive2: reseason(naiveInterval(adjusted, steps, { level })),
    ses: smoothing('none'),
    holt: smoothing('additive'),
    damped: smoothing('damped'),
  };
}

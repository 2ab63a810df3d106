import { NonFiniteError, OptionError, ShapeError } from '../errors.js';
import { rangeOption } from '../options.js';
import { meanAbsoluteScaledError } from '../training/metrics.js';
import { checkPositiveInt, checkSeries } from './series-checks.js';

/*
 * Point and interval accuracy as the M3/M4 competitions define them (M4 Competitor's Guide and
 * its R code): sMAPE, MASE, OWA, interval coverage and MSIS. MASE is the same measure as
 * training/metrics.ts's meanAbsoluteScaledError (in-sample seasonal-naive MAE as the scale), so
 * it is reused, only with the period m made a required argument.
 */

function checkForecast(what: string, actual: ArrayLike<number>, forecast: ArrayLike<number>, forecastName = 'forecast'): [number[], number[]] {
  const a = checkSeries(what, 'actual', actual, 1);
  const f = checkSeries(what, forecastName, forecast, 1);
  if (a.length !== f.length) throw new ShapeError(`${what}: actual has ${a.length} values but ${forecastName} has ${f.length}`);
  return [a, f];
}

/**
 * Symmetric MAPE in percent, M4's definition: `200/h * sum |y - f| / (|y| + |f|)`, in [0, 200].
 * A step where both y and f are 0 is a perfect forecast and counts 0 (M4's code would give NaN).
 * (M3 used `|y - f| / ((y + f) / 2)` without absolute values; for positive data they agree.)
 *
 * @example
 * symmetricMape([100, 200], [110, 180]); // (200*10/210 + 200*20/380) / 2 ≈ 10.03
 */
export function symmetricMape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  const [a, f] = checkForecast('symmetricMape', actual, forecast);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const denominator = Math.abs(a[i]!) + Math.abs(f[i]!);
    if (denominator > 0) s += (200 * Math.abs(a[i]! - f[i]!)) / denominator;
  }
  return s / a.length;
}

/**
 * MASE with the series' seasonal period m (1 yearly, 4 quarterly, 12 monthly): the forecast's
 * MAE over the in-sample MAE of the seasonal naive forecast, `mean |y_t - y_{t-m}|`. Identical to
 * {@link meanAbsoluteScaledError}; here m must be given, because the M-competitions scale by it.
 *
 * @example
 * forecastMase([5, 7], [6, 6], [1, 3, 2, 4], 1); // MAE 1 / scale 5/3 = 0.6
 */
export function forecastMase(actual: ArrayLike<number>, forecast: ArrayLike<number>, insample: ArrayLike<number>, m: number): number {
  checkPositiveInt('forecastMase', 'm', m);
  return meanAbsoluteScaledError(actual, forecast, insample, { m });
}

/**
 * Overall weighted average (M4): the mean of sMAPE and MASE, each relative to Naive2's on the same
 * series set, `(sMAPE / sMAPE_naive2 + MASE / MASE_naive2) / 2`. Naive2 itself scores 1.
 *
 * @example
 * overallWeightedAverage({ smape: 12, mase: 1.5 }, { smape: 15, mase: 2 }); // (0.8 + 0.75) / 2 = 0.775
 */
export function overallWeightedAverage(method: { smape: number; mase: number }, naive2: { smape: number; mase: number }): number {
  for (const [name, v] of [['method.smape', method.smape], ['method.mase', method.mase], ['naive2.smape', naive2.smape], ['naive2.mase', naive2.mase]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new NonFiniteError(`overallWeightedAverage: ${name} must be a finite number >= 0, got ${String(v)}`);
  }
  if (naive2.smape === 0 || naive2.mase === 0) throw new NonFiniteError('overallWeightedAverage: Naive2 is perfect (sMAPE or MASE 0), so relative errors are undefined');
  return (method.smape / naive2.smape + method.mase / naive2.mase) / 2;
}

function checkInterval(what: string, actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): [number[], number[], number[]] {
  const [a, lo] = checkForecast(what, actual, lower, 'lower');
  const [, hi] = checkForecast(what, actual, upper, 'upper');
  for (let i = 0; i < a.length; i++) {
    if (lo[i]! > hi[i]!) throw new OptionError(`${what}: lower[${i}] = ${lo[i]} is above upper[${i}] = ${hi[i]}`);
  }
  return [a, lo, hi];
}

/**
 * Fraction of actual values inside their prediction interval `[lower, upper]` (bounds included).
 * A well-calibrated 95% interval covers about 0.95.
 *
 * @example
 * intervalCoverage([1, 5, 9], [0, 0, 0], [2, 4, 10]); // 2/3
 */
export function intervalCoverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  const [a, lo, hi] = checkInterval('intervalCoverage', actual, lower, upper);
  let inside = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! >= lo[i]! && a[i]! <= hi[i]!) inside++;
  return inside / a.length;
}

/**
 * Mean scaled interval score (M4's interval measure, Gneiting & Raftery 2007) of a (1 - level)
 * interval: `mean[(U - L) + 2/level (L - y) 1{y < L} + 2/level (y - U) 1{y > U}]` over the
 * in-sample seasonal-naive MAE with period m. `level` is the miss rate: 0.05 for 95% intervals.
 *
 * @example
 * meanScaledIntervalScore([5], [4], [6], [1, 2, 3], 1, 0.05); // width 2 / scale 1 = 2
 */
export function meanScaledIntervalScore(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  insample: ArrayLike<number>,
  m: number,
  level = 0.05,
): number {
  const what = 'meanScaledIntervalScore';
  const [a, lo, hi] = checkInterval(what, actual, lower, upper);
  const period = checkPositiveInt(what, 'm', m);
  const miss = rangeOption(what, 'level', level, Number.MIN_VALUE, 1);
  const x = checkSeries(what, 'insample', insample, period + 1);
  let scale = 0;
  for (let t = period; t < x.length; t++) scale += Math.abs(x[t]! - x[t - period]!);
  scale /= x.length - period;
  if (scale === 0) throw new NonFiniteError(`${what}: the seasonal naive errors of insample (m = ${period}) are all zero, so MSIS is undefined`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += hi[i]! - lo[i]!;
    if (a[i]! < lo[i]!) s += (2 / miss) * (lo[i]! - a[i]!);
    if (a[i]! > hi[i]!) s += (2 / miss) * (a[i]! - hi[i]!);
  }
  return s / a.length / scale;
}

import { forecastMase, intervalCoverage, symmetricMape } from '../forecasting/accuracy.js';
import { m4Benchmarks } from '../forecasting/benchmarks.js';
import { RecurError } from '../errors.js';

/** The classical methods `recur eval` reports beside a global forecaster (M4 names). */
export const COMPARED_METHODS = ['seasonalNaive', 'naive2', 'damped', 'theta'] as const;
export type ComparedMethod = (typeof COMPARED_METHODS)[number];

/** One series' held-out part and what was forecast for it. */
export interface ScoredSeries {
  /** The history the forecasts start from. */
  insample: ArrayLike<number>;
  actual: ArrayLike<number>;
  /** The point forecast (the median). */
  point: ArrayLike<number>;
  /** The interval bounds (lowest and highest quantile), when there are quantiles around the median. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

/** Mean accuracy over series: sMAPE (%) over all, MASE over the series where it is defined. */
export interface PanelScores {
  smape: number;
  mase: number;
  /** Fraction of actual values inside [lower, upper] (NaN without intervals). */
  coverage: number;
  series: number;
  /** Series with a defined MASE (more than m history values, not seasonally constant). */
  maseSeries: number;
}

/** MASE's scale is defined: more than m values and a non-zero seasonal-naive error. */
function maseDefined(insample: ArrayLike<number>, m: number): boolean {
  if (insample.length <= m) return false;
  for (let t = m; t < insample.length; t++) if (insample[t] !== insample[t - m]) return true;
  return false;
}

/**
 * Mean sMAPE, MASE and interval coverage of forecasts over many series (each series weighs
 * the same, as in the M competitions). MASE scales by the in-sample seasonal-naive error with
 * period m, or with period 1 for a series of m values or fewer; a series whose scale is 0 (a
 * constant history) is left out of the MASE mean (`maseSeries` counts those in it).
 *
 * @example
 * scorePanel([{ insample: [1, 2, 3], actual: [4], point: [4] }], 1); // { smape: 0, mase: 0, ... }
 */
export function scorePanel(items: readonly ScoredSeries[], m: number): PanelScores {
  let smape = 0;
  let mase = 0;
  let maseSeries = 0;
  let inside = 0;
  let points = 0;
  for (const s of items) {
    smape += symmetricMape(s.actual, s.point);
    const period = maseDefined(s.insample, m) ? m : 1;
    if (maseDefined(s.insample, period)) {
      mase += forecastMase(s.actual, s.point, s.insample, period);
      maseSeries++;
    }
    if (s.lower && s.upper) {
      inside += intervalCoverage(s.actual, s.lower, s.upper) * s.actual.length;
      points += s.actual.length;
    }
  }
  return { smape: smape / items.length, mase: maseSeries ? mase / maseSeries : NaN, coverage: points ? inside / points : NaN, series: items.length, maseSeries };
}

/** The benchmarks' forecasts, or null where they cannot be fitted (fewer than 3 values, a value that overflows them). */
function benchmarks(y: number[], m: number, h: number): Record<ComparedMethod, number[]> | null {
  if (y.length < Math.max(3, m)) return null;
  try {
    const f = m4Benchmarks(y, m, h).forecasts;
    return COMPARED_METHODS.every((k) => f[k].every(Number.isFinite)) ? f : null;
  } catch (e) {
    if (e instanceof RecurError) return null;
    throw e;
  }
}

/**
 * The compared classical methods' scores on the same held-out parts (forecasts from
 * src/forecasting, as the M4 benchmarks compute them). Where the benchmarks cannot be fitted
 * (under 3 values, under one season, values that overflow the smoothing), every method
 * forecasts the last value; `fallbacks` counts those series.
 */
export function baselineScores(
  items: ReadonlyArray<{ insample: ArrayLike<number>; actual: ArrayLike<number> }>,
  m: number,
): Record<ComparedMethod, PanelScores> & { fallbacks: number } {
  const per: Record<ComparedMethod, ScoredSeries[]> = { seasonalNaive: [], naive2: [], damped: [], theta: [] };
  let fallbacks = 0;
  for (const s of items) {
    const y = Array.from(s.insample);
    const h = s.actual.length;
    const f = benchmarks(y, m, h);
    if (!f) fallbacks++;
    for (const method of COMPARED_METHODS) {
      per[method].push({ insample: s.insample, actual: s.actual, point: f ? f[method] : new Array<number>(h).fill(y[y.length - 1]!) });
    }
  }
  const scores = Object.fromEntries(COMPARED_METHODS.map((k) => [k, scorePanel(per[k], m)])) as Record<ComparedMethod, PanelScores>;
  return { ...scores, fallbacks };
}

import { m4SeasonalIndices } from '../forecasting/seasonality.js';

/**
 * One series of a panel as a global forecaster sees it, fitted on its history only:
 *
 * - positive series: z = log(y / s_t), where s_t are the multiplicative seasonal indices of the
 *   M4 benchmarks (classical decomposition, applied only when the 90% autocorrelation test finds
 *   the series seasonal at period m; else all 1), so the network sees neither scale nor season;
 * - a series with a value <= 0: z = y / mean|y| (no log, no seasonal adjustment).
 *
 * Forecasts decode back with the seasonal indices continued past the history.
 */
export interface SeriesView {
  mode: 'log' | 'scale';
  /** mean |y| of the history (the divisor in 'scale' mode). */
  scale: number;
  seasonal: boolean;
  /** Model-space values of the history. */
  z: Float64Array;
  /** The seasonal index of each future step (all 1 when not seasonal). */
  future: number[];
}

/**
 * Fits a view of `y` (its whole length is history) with season m, for forecasts up to `h` steps
 * (`deseasonalise` false: the log only, the season left to the network).
 *
 * @example
 * const v = seriesView(monthlySales, 12, 18);
 * decodeStep(v, 0, 0.05); // the first forecast step for a model-space value 0.05
 */
export function seriesView(y: ArrayLike<number>, m: number, h: number, deseasonalise = true): SeriesView {
  const n = y.length;
  let min = Infinity;
  let absSum = 0;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, y[i]!);
    absSum += Math.abs(y[i]!);
  }
  const scale = absSum > 0 ? absSum / n : 1;
  if (!(min > 0)) {
    return { mode: 'scale', scale, seasonal: false, z: Float64Array.from({ length: n }, (_, i) => y[i]! / scale), future: new Array<number>(h).fill(1) };
  }
  const x = Array.from({ length: n }, (_, i) => y[i]!);
  // The M4 rule needs 3 values; a decomposition needs 2 full seasons (the test asks for 3).
  const seasonalFit = deseasonalise && m > 1 && n >= 3 ? m4SeasonalIndices(x, m, h) : null;
  const seasonal = seasonalFit?.seasonal === true && seasonalFit.inSample.every((s) => s > 0) && seasonalFit.horizon.every((s) => s > 0);
  const inSample = seasonal ? seasonalFit!.inSample : null;
  return {
    mode: 'log',
    scale,
    seasonal,
    z: Float64Array.from(x, (v, i) => Math.log(inSample ? v / inSample[i]! : v)),
    future: seasonal ? seasonalFit!.horizon : new Array<number>(h).fill(1),
  };
}

/** Back to the series' units: model-space value v of future step k (0-based). */
export function decodeStep(view: SeriesView, k: number, v: number): number {
  return view.mode === 'log' ? Math.exp(v) * view.future[k]! : v * view.scale;
}

/** Into model space: the value y of future step k (0-based), the inverse of {@link decodeStep}. */
export function encodeStep(view: SeriesView, k: number, y: number): number {
  return view.mode === 'log' ? Math.log(y / view.future[k]!) : y / view.scale;
}

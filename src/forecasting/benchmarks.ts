import { OptionError, ShapeError } from '../errors.js';
import { fitExponentialSmoothing, forecastExponentialSmoothing, type SmoothingTrend } from './exponential-smoothing.js';
import { m4SeasonalIndices } from './seasonality.js';
import { checkPositiveInt, checkSeries } from './series-checks.js';
import { thetaClassic, thetaf } from './theta.js';

/*
 * The statistical benchmarks of the M4 competition (`Benchmarks()` in its published R code),
 * which the M1/M3 literature also uses: every method except Naive and seasonal naive works on the
 * series divided by its multiplicative seasonal indices when the 90% autocorrelation test finds it
 * seasonal, and multiplies its forecasts by the last cycle's indices.
 */

/** The benchmark methods, by their M4 names (plus forecast::thetaf). */
export type BenchmarkMethod = 'naive' | 'seasonalNaive' | 'naive2' | 'ses' | 'holt' | 'damped' | 'theta' | 'comb' | 'thetaf';

/** Every benchmark, in the order of M4's tables. */
export const BENCHMARK_METHODS: readonly BenchmarkMethod[] = ['naive', 'seasonalNaive', 'naive2', 'ses', 'holt', 'damped', 'theta', 'comb', 'thetaf'];

/** Naive (persistence): the last value, h times. @example naiveForecast([1, 2, 3], 2) // [3, 3] */
export function naiveForecast(y: ArrayLike<number>, h: number): number[] {
  const x = checkSeries('naiveForecast', 'y', y, 1);
  return new Array<number>(checkPositiveInt('naiveForecast', 'h', h)).fill(x[x.length - 1]!);
}

/**
 * Seasonal naive: the value one period earlier, i.e. the last m values repeated (m = 1: naive).
 *
 * @example
 * seasonalNaiveForecast([1, 2, 3, 4, 5, 6], 4, 6); // [3, 4, 5, 6, 3, 4]
 */
export function seasonalNaiveForecast(y: ArrayLike<number>, m: number, h: number): number[] {
  const what = 'seasonalNaiveForecast';
  const x = checkSeries(what, 'y', y, 1);
  const period = checkPositiveInt(what, 'm', m);
  const steps = checkPositiveInt(what, 'h', h);
  if (x.length < period) throw new ShapeError(`${what}: y needs at least one full period of m = ${period} values, got ${x.length}`);
  return Array.from({ length: steps }, (_, k) => x[x.length - period + (k % period)]!);
}

/** Forecasts of every benchmark for one series, with the seasonal adjustment they shared. */
export interface BenchmarkForecasts {
  /** Whether the M4 test found the series seasonal (so the methods ran on adjusted data). */
  seasonal: boolean;
  /** The indices that multiplied the adjusted methods' forecasts (all 1 when not seasonal). */
  indices: number[];
  forecasts: Record<BenchmarkMethod, number[]>;
}

function smoothed(adjusted: number[], trend: SmoothingTrend, h: number): number[] {
  return forecastExponentialSmoothing(fitExponentialSmoothing(adjusted, { trend }), h);
}

/**
 * All benchmarks of M4's `Benchmarks(input, fh)` for a series with seasonal period m (1 yearly,
 * 4 quarterly, 12 monthly): naive, seasonal naive, Naive2, SES, Holt, damped, Theta and Comb (the
 * mean of SES, Holt and damped), plus forecast::thetaf. Naive2 is the competitions' reference for
 * relative measures such as OWA.
 *
 * @example
 * const { forecasts } = m4Benchmarks(monthlySales, 12, 18);
 * forecasts.theta; // 18 values
 */
export function m4Benchmarks(y: ArrayLike<number>, m: number, h: number): BenchmarkForecasts {
  const what = 'm4Benchmarks';
  const x = checkSeries(what, 'y', y, 3);
  const period = checkPositiveInt(what, 'm', m);
  const steps = checkPositiveInt(what, 'h', h);
  const { seasonal, inSample, horizon } = m4SeasonalIndices(x, period, steps);
  const adjusted = x.map((v, t) => v / inSample[t]!);
  const reseason = (f: number[]) => f.map((v, k) => v * horizon[k]!);
  const ses = reseason(smoothed(adjusted, 'none', steps));
  const holt = reseason(smoothed(adjusted, 'additive', steps));
  const damped = reseason(smoothed(adjusted, 'damped', steps));
  return {
    seasonal,
    indices: horizon,
    forecasts: {
      naive: naiveForecast(x, steps),
      seasonalNaive: seasonalNaiveForecast(x, period, steps),
      naive2: reseason(naiveForecast(adjusted, steps)),
      ses,
      holt,
      damped,
      theta: reseason(thetaClassic(adjusted, steps)),
      comb: ses.map((s, k) => (s + holt[k]! + damped[k]!) / 3),
      thetaf: thetaf(x, period, steps),
    },
  };
}

/**
 * One benchmark's forecasts (computes only what that method needs).
 *
 * @example
 * benchmarkForecast('damped', quarterlySales, 4, 8);
 */
export function benchmarkForecast(method: BenchmarkMethod, y: ArrayLike<number>, m: number, h: number): number[] {
  const what = 'benchmarkForecast';
  if (!BENCHMARK_METHODS.includes(method)) {
    throw new OptionError(`${what}: method must be one of ${BENCHMARK_METHODS.join(', ')}, got ${String(method)}`);
  }
  if (method === 'naive') return naiveForecast(y, h);
  if (method === 'seasonalNaive') return seasonalNaiveForecast(y, m, h);
  if (method === 'thetaf') return thetaf(y, m, h);
  if (method === 'comb') return m4Benchmarks(y, m, h).forecasts.comb;
  const x = checkSeries(what, 'y', y, 3);
  const { inSample, horizon } = m4SeasonalIndices(x, m, h);
  const adjusted = x.map((v, t) => v / inSample[t]!);
  const raw =
    method === 'naive2' ? naiveForecast(adjusted, h)
    : method === 'theta' ? thetaClassic(adjusted, h)
    : smoothed(adjusted, method === 'ses' ? 'none' : method === 'holt' ? 'additive' : 'damped', h);
  return raw.map((v, k) => v * horizon[k]!);
}

import { NonFiniteError, OptionError, ShapeError } from '../errors.js';

/*
 * Input checks shared by the forecasting baselines: a series is an array of finite numbers,
 * a horizon and a seasonal period are positive integers. Messages name the function and the
 * argument, as everywhere in recur.
 */

/** Throws unless `y` is an array-like of at least `minLength` finite numbers; returns it as number[]. */
export function checkSeries(what: string, name: string, y: ArrayLike<number>, minLength = 1): number[] {
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new ShapeError(`${what}: ${name} must be an array of numbers, got ${String(y)}`);
  }
  if (y.length < minLength) {
    throw new ShapeError(`${what}: ${name} needs at least ${minLength} values, got ${y.length}`);
  }
  const out = new Array<number>(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new NonFiniteError(`${what}: ${name}[${i}] is ${String(v)}; every value must be a finite number`);
    }
    out[i] = v;
  }
  return out;
}

/** Throws unless `value` is an integer >= 1 (a forecast horizon or a seasonal period). */
export function checkPositiveInt(what: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new OptionError(`${what}: ${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}

/**
 * R's mean(): the sum divided by n, then corrected by the mean residual (R accumulates in long
 * double and makes this second pass); matching it keeps our starting values equal to R's to the
 * last bit or two, so the optimiser starts where forecast::ets starts.
 */
export function meanLikeR(x: ArrayLike<number>, from = 0, to = x.length): number {
  const n = to - from;
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]!;
  s /= n;
  let t = 0;
  for (let i = from; i < to; i++) t += x[i]! - s;
  return s + t / n;
}

/** Least-squares line through (x0 + i, y[i]), i = 0..n-1: intercept at x = 0 and slope. */
export function linearTrend(y: ArrayLike<number>, x0: number): { intercept: number; slope: number } {
  const n = y.length;
  const xm = x0 + (n - 1) / 2;
  const ym = meanLikeR(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = x0 + i - xm;
    sxy += dx * (y[i]! - ym);
    sxx += dx * dx;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: ym - slope * xm, slope };
}

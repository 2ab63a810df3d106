import { ShapeError } from '../errors.js';
import { choiceOption, rejectUnknownOptions } from '../options.js';
import { nelderMead } from './nelder-mead.js';
import { checkPositiveInt, checkSeries, linearTrend, meanLikeR } from './series-checks.js';

/*
 * Exponential smoothing with additive errors, no seasonality, and no, linear or damped trend:
 * ETS(A,N,N) = simple exponential smoothing, ETS(A,A,N) = Holt, ETS(A,Ad,N) = damped trend.
 * Estimated as forecast::ses / forecast::holt do (ets(..., opt.crit = "mse")): the smoothing
 * parameters AND the initial states minimise the in-sample mean squared one-step error, by R's
 * Nelder-Mead from ets's starting values, inside ets's "usual" bounds (0.0001 <= beta <= alpha <=
 * 0.9999, 0.8 <= phi <= 0.98). The recursions are written as forecast's C code writes them
 * (etscalc.c), so the same parameters give the same errors to rounding.
 */

/** The trend of an exponential smoothing model. */
export type SmoothingTrend = 'none' | 'additive' | 'damped';

/** A fitted exponential smoothing model (the estimates and the states after the last value). */
export interface ExponentialSmoothingFit {
  trend: SmoothingTrend;
  alpha: number;
  /** Trend smoothing in the state-space form (ets's beta = alpha * beta* of Holt's form); 0 without trend. */
  beta: number;
  /** Damping; 1 for an undamped trend. */
  phi: number;
  /** Initial level and slope (slope 0 without trend). */
  level0: number;
  slope0: number;
  /** Level and slope after the last observation: the forecast origin. */
  level: number;
  slope: number;
  /** In-sample mean squared one-step error. */
  mse: number;
  /**
   * Residual variance for prediction intervals, as forecast::ets: sum of squared errors over
   * (n - number of estimated values, smoothing parameters and initial states); the fallback's is
   * the MSE, as R's HoltWintersZZ.
   */
  sigma2: number;
  /**
   * 'ets': optimised as above. 'holt-winters': the series was too short (n <= parameters + 4), so,
   * like forecast::ets, an undamped HoltWinters-style fit from l = y1, b = y2 - y1 with only the
   * smoothing parameters optimised on [0, 1] (R uses L-BFGS-B there; we use the same Nelder-Mead).
   */
  estimation: 'ets' | 'holt-winters';
}

const LOWER = { alpha: 1e-4, beta: 1e-4, phi: 0.8 };
const UPPER = { alpha: 0.9999, beta: 0.9999, phi: 0.98 };

interface Run {
  mse: number;
  level: number;
  slope: number;
}

/** forecast's etscalc for additive errors and no season: one-step errors and the final states. */
function smooth(y: readonly number[], trend: boolean, alpha: number, beta: number, phi: number, l0: number, b0: number): Run {
  let l = l0;
  let b = b0;
  let amse = 0;
  for (let i = 0; i < y.length; i++) {
    const oldl = l;
    const oldb = b;
    const f = trend ? oldl + phi * oldb : oldl;
    const e = y[i]! - f;
    amse = (amse * i + e * e) / (i + 1); // etscalc's running mean, same rounding
    const phib = trend ? phi * oldb : 0;
    const q = oldl + phib;
    l = q + alpha * (y[i]! - q);
    if (trend) b = phib + (beta / alpha) * (l - oldl - phib);
  }
  return { mse: amse, level: l, slope: b };
}

/** ets's usual bounds and the admissibility conditions for a non-seasonal model. */
function feasible(trend: SmoothingTrend, alpha: number, beta: number, phi: number): boolean {
  if (alpha < LOWER.alpha || alpha > UPPER.alpha) return false;
  if (trend !== 'none' && (beta < LOWER.beta || beta > alpha || beta > UPPER.beta)) return false;
  if (trend === 'damped' && (phi < LOWER.phi || phi > UPPER.phi)) return false;
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
  if (trend !== 'none' && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return false;
  return true;
}

function fitEts(y: number[], trend: SmoothingTrend): ExponentialSmoothingFit {
  const hasTrend = trend !== 'none';
  const damped = trend === 'damped';
  // ets's initparam (m = 1 for a non-seasonal model) and initstate (first min(10, n) values).
  const alpha0 = LOWER.alpha + 0.2 * (UPPER.alpha - LOWER.alpha);
  const start = [alpha0];
  if (hasTrend) start.push(LOWER.beta + 0.1 * (Math.min(UPPER.beta, alpha0) - LOWER.beta));
  if (damped) start.push(LOWER.phi + 0.99 * (UPPER.phi - LOWER.phi));
  const maxn = Math.min(10, y.length);
  if (hasTrend) {
    const line = linearTrend(y.slice(0, maxn), 1);
    let [l0, b0] = [line.intercept, line.slope];
    if (Math.abs(l0 + b0) < 1e-8) [l0, b0] = [l0 * (1 + 1e-3), b0 * (1 - 1e-3)];
    start.push(l0, b0);
  } else {
    start.push(meanLikeR(y, 0, maxn));
  }
  const unpack = (p: readonly number[]) => {
    let k = 0;
    const alpha = p[k++]!;
    const beta = hasTrend ? p[k++]! : 0;
    const phi = damped ? p[k++]! : 1;
    return { alpha, beta, phi, l0: p[k++]!, b0: hasTrend ? p[k]! : 0 };
  };
  const objective = (p: number[]): number => {
    const q = unpack(p);
    if (!feasible(trend, q.alpha, q.beta, q.phi)) return Infinity;
    return smooth(y, hasTrend, q.alpha, q.beta, q.phi, q.l0, q.b0).mse;
  };
  const best = nelderMead(objective, start, { maxit: 2000 });
  const q = unpack(best.x);
  const run = smooth(y, hasTrend, q.alpha, q.beta, q.phi, q.l0, q.b0);
  const sigma2 = (run.mse * y.length) / (y.length - best.x.length);
  return { trend, alpha: q.alpha, beta: q.beta, phi: q.phi, level0: q.l0, slope0: q.b0, ...run, sigma2, estimation: 'ets' };
}

/** forecast's zzhw without season: Holt's recursions in the error-correction-free form, phi = 1. */
function holtWintersRun(y: readonly number[], trend: boolean, alpha: number, betaStar: number): Run {
  let l = y[0]!;
  let b = trend ? y[1]! - y[0]! : 0;
  let sse = 0;
  for (let i = 0; i < y.length; i++) {
    const xhat = l + b;
    sse += (y[i]! - xhat) ** 2;
    const level = alpha * y[i]! + (1 - alpha) * (l + b);
    if (trend) b = betaStar * (level - l) + (1 - betaStar) * b;
    l = level;
  }
  return { mse: sse / y.length, level: l, slope: b };
}

function fitHoltWinters(y: number[], trend: SmoothingTrend): ExponentialSmoothingFit {
  const hasTrend = trend !== 'none';
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const objective = (p: number[]) => holtWintersRun(y, hasTrend, clamp(p[0]!), hasTrend ? clamp(p[1]!) : 0).mse;
  // R minimises by L-BFGS-B from (0.2, 0.02). Nelder-Mead on the clamped box can stall in a
  // corner from there, so it starts from the best point of a 0.1-spaced grid instead.
  let start = hasTrend ? [0.2, 0.02] : [0.2];
  let startValue = objective(start);
  for (let i = 0; i <= 10; i++) {
    for (let j = 0; j <= (hasTrend ? 10 : 0); j++) {
      const candidate = hasTrend ? [i / 10, j / 10] : [i / 10];
      const value = objective(candidate);
      if (value < startValue) [start, startValue] = [candidate, value];
    }
  }
  const best = nelderMead(objective, start, { maxit: 2000 });
  const alpha = clamp(best.x[0]!);
  const betaStar = hasTrend ? clamp(best.x[1]!) : 0;
  const run = holtWintersRun(y, hasTrend, alpha, betaStar);
  return {
    trend: hasTrend ? 'additive' : 'none', alpha, beta: alpha * betaStar, phi: 1,
    level0: y[0]!, slope0: hasTrend ? y[1]! - y[0]! : 0, ...run, sigma2: run.mse, estimation: 'holt-winters',
  };
}

/**
 * Fits ETS(A,N,N), ETS(A,A,N) or ETS(A,Ad,N) by in-sample MSE, as forecast::ses(y) and
 * forecast::holt(y, damped) do. Series with n <= (number of parameters) + 4 get forecast::ets's
 * fallback (see {@link ExponentialSmoothingFit.estimation}); a damped model then loses its damping,
 * as in R.
 *
 * @example
 * const fit = fitExponentialSmoothing(y, { trend: 'damped' });
 * forecastExponentialSmoothing(fit, 6); // six steps ahead
 */
export function fitExponentialSmoothing(y: ArrayLike<number>, options: { trend?: SmoothingTrend } = {}): ExponentialSmoothingFit {
  const what = 'fitExponentialSmoothing';
  rejectUnknownOptions(what, options, ['trend']);
  const trend = choiceOption(what, 'trend', options.trend, ['none', 'additive', 'damped'], 'none');
  const x = checkSeries(what, 'y', y, 1);
  if (trend !== 'none' && x.length < 2) throw new ShapeError(`${what}: a trend needs at least two observations, got ${x.length}`);
  const parameters = 2 + (trend === 'none' ? 0 : 2) + (trend === 'damped' ? 1 : 0);
  return x.length <= parameters + 4 ? fitHoltWinters(x, trend) : fitEts(x, trend);
}

/**
 * Point forecasts 1..h steps ahead: level + (phi + phi^2 + ... + phi^k) * slope.
 *
 * @example
 * forecastExponentialSmoothing(fitExponentialSmoothing(y), 3); // SES: three equal values
 */
export function forecastExponentialSmoothing(fit: ExponentialSmoothingFit, h: number): number[] {
  const steps = checkPositiveInt('forecastExponentialSmoothing', 'h', h);
  const out: number[] = [];
  let phistar = fit.phi;
  for (let k = 0; k < steps; k++) {
    out.push(fit.trend === 'none' ? fit.level : fit.level + phistar * fit.slope);
    phistar += Math.abs(fit.phi - 1) < 1e-10 ? 1 : fit.phi ** (k + 2);
  }
  return out;
}

import { fitExponentialSmoothing, forecastExponentialSmoothing } from './exponential-smoothing.js';
import { normalQuantile } from './normal-quantile.js';
import { acfSeasonality, decomposeMultiplicative, futureIndices } from './seasonality.js';
import { checkPositiveInt, checkSeries, linearTrend } from './series-checks.js';

/*
 * The Theta method (Assimakopoulos & Nikolopoulos 2000), winner of the M3 competition, in its two
 * reference implementations: the M4 competition's `Theta.classic` (the mean of the extrapolated
 * regression line and SES on the "theta = 2" line) and forecast::thetaf (SES with a drift of half
 * the regression slope, Hyndman & Billah 2003). Both give the same forecasts up to how SES is
 * fitted, but not identical ones, so both are here, each matching its own R code.
 */

/**
 * M4's `Theta.classic(input, fh)` on an (already seasonally adjusted) series: the least-squares
 * line L_t = a + b t (t = 1..n) and the theta line 2 y_t - L_t; the forecast is half the line's
 * extrapolation plus half the SES forecast of the theta line, negatives set to 0 (as in M4).
 *
 * @example
 * thetaClassic(adjustedYearlySales, 6);
 */
export function thetaClassic(y: ArrayLike<number>, h: number): number[] {
  const what = 'thetaClassic';
  const x = checkSeries(what, 'y', y, 2);
  const steps = checkPositiveInt(what, 'h', h);
  const { intercept, slope } = linearTrend(x, 1);
  const thetaLine = x.map((v, i) => 2 * v - (intercept + slope * (i + 1)));
  const ses = forecastExponentialSmoothing(fitExponentialSmoothing(thetaLine, { trend: 'none' }), steps);
  return ses.map((s, k) => Math.max(0, 0.5 * s + 0.5 * (intercept + slope * (x.length + k + 1))));
}

/** qnorm(0.95), thetaf's critical value. */
const Z95 = normalQuantile(0.95);

/**
 * forecast::thetaf(y, h) with seasonal period m: when m > 1, n > 2m, y is not constant and the
 * lag-m autocorrelation is significant at 90% (the test of {@link seasonalityTest} with tcrit =
 * qnorm(0.95)), y is divided by its multiplicative seasonal indices; then SES plus a drift of half
 * the least-squares slope, `b/2 * (k - 1 + (1 - (1 - alpha)^n) / alpha)` at step k, reseasonalised.
 *
 * @example
 * thetaf(monthlySales, 12, 18);
 */
export function thetaf(y: ArrayLike<number>, m: number, h: number): number[] {
  const what = 'thetaf';
  const original = checkSeries(what, 'y', y, 2);
  const period = checkPositiveInt(what, 'm', m);
  const steps = checkPositiveInt(what, 'h', h);
  const n = original.length;
  const constant = original.every((v) => v === original[0]);
  const seasonal = period > 1 && !constant && n > 2 * period && acfSeasonality(original, period, Z95).seasonal;
  let x = original;
  let indices: number[] | null = null;
  if (seasonal) {
    const { figure, seasonal: inSample } = decomposeMultiplicative(original, period);
    // R keeps the raw series when an index is ~0 (with a warning) but still reseasonalises below.
    if (!inSample.some((s) => Math.abs(s) < 1e-4)) x = original.map((v, t) => v / inSample[t]!);
    indices = futureIndices(figure, n, steps);
  }
  const fit = fitExponentialSmoothing(x, { trend: 'none' });
  const drift = linearTrend(x, 0).slope / 2;
  const alpha = Math.max(1e-10, fit.alpha);
  const base = forecastExponentialSmoothing(fit, steps);
  const shift = (1 - (1 - alpha) ** n) / alpha;
  return base.map((f, k) => (f + drift * (k + shift)) * (indices ? indices[k]! : 1));
}

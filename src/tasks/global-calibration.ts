import { conformalQuantile, confidentConformalRank } from '../forecasting/conformal.js';

/** The confidence of the calibrated intervals' coverage (the `delta` of a training-conditional conformal rank is 1 - this). */
export const CALIBRATION_CONFIDENCE = 0.9;

/**
 * How a global forecaster's intervals were calibrated (conformalised quantile regression,
 * Romano et al. 2019, on each series' validation part), as its checkpoint keeps it in
 * `saved.calibration`.
 */
export interface IntervalCalibration {
  method: 'conformal';
  /**
   * With this probability over the draw of the calibration series, each interval holds at least
   * its nominal share of values like the calibration ones (a training-conditional rank).
   */
  confidence: number;
  /** Calibration values per score: the series (per step), or series x steps when pooled. */
  values: number;
  /** One offset for every step (too few series for a rank per step), else one per step. */
  pooled: boolean;
  /**
   * offsets[k][p]: in model space (log, level-normalised), how far the interval of quantiles p
   * and Q-1-p moves out at step k: the lower quantile minus it, the upper plus it (negative:
   * narrower). Pairs p are those around the median, outermost first.
   */
  offsets: number[][];
}

/** The quantile pairs [lower, upper] an interval calibration adjusts: (j, Q-1-j) with the median between them, outermost first. */
export function intervalPairs(quantiles: readonly number[], median: number): Array<[number, number]> {
  const Q = quantiles.length;
  const pairs: Array<[number, number]> = [];
  for (let j = 0; j < median && Q - 1 - j > median; j++) pairs.push([j, Q - 1 - j]);
  return pairs;
}

/**
 * Calibrates the intervals of a quantile forecaster with split conformal prediction (CQR):
 * for each held-out value y and pair of quantiles (lo, hi) the score max(lo - y, y - hi) (in
 * model space, where every series has the same scale), per step over the series, and the offset
 * is the score of the training-conditional conformal rank (`confidentConformalRank`), so that
 * with probability `confidence` each step's interval holds at least its nominal share
 * q_hi - q_lo of values exchangeable with the calibration ones. When there are too few series
 * for a rank per step (fewer than 11 for 80% at 90% confidence), the steps are pooled; when
 * even that is too few, the largest score is used. NaN actuals (a value the model space cannot
 * hold, e.g. y <= 0 for a log series) count as not covered.
 *
 * `raws[i]` holds series i's h x Q model-space quantiles (step-major, sorted per step),
 * `actuals[i]` its h model-space held-out values.
 *
 * @example
 * const c = calibrateIntervals(raws, actuals, [0.1, 0.5, 0.9], 1, 18); // c.offsets: 18 x [one pair]
 */
export function calibrateIntervals(
  raws: readonly ArrayLike<number>[],
  actuals: readonly ArrayLike<number>[],
  quantiles: readonly number[],
  median: number,
  horizon: number,
  confidence = CALIBRATION_CONFIDENCE,
): IntervalCalibration {
  const Q = quantiles.length;
  const pairs = intervalPairs(quantiles, median);
  const n = raws.length;
  const delta = 1 - confidence;
  // Scores per pair and step: scores[p][k][i].
  const scores = pairs.map(([lo, hi]) =>
    Array.from({ length: horizon }, (_, k) =>
      Float64Array.from(raws, (raw, i) => {
        const y = actuals[i]![k]!;
        return Math.max(raw[k * Q + lo]! - y, y - raw[k * Q + hi]!);
      }),
    ),
  );
  const alphas = pairs.map(([lo, hi]) => 1 - (quantiles[hi]! - quantiles[lo]!));
  // A rank per step needs enough series: at least one score past the rank.
  const perStep = alphas.every((a) => confidentConformalRank(n, a, delta) <= n);
  const offset = (s: Float64Array, p: number): number => {
    const c = conformalQuantile(s, alphas[p]!, delta);
    if (Number.isFinite(c)) return c;
    // Too few values for the rank, or uncoverable ones past it: the largest finite score.
    const finite = Array.from(s).filter(Number.isFinite);
    return finite.length ? Math.max(...finite) : 0;
  };
  if (perStep) {
    return { method: 'conformal', confidence, values: n, pooled: false, offsets: Array.from({ length: horizon }, (_, k) => pairs.map((_, p) => offset(scores[p]![k]!, p))) };
  }
  const pooled = pairs.map((_, p) => offset(Float64Array.from(scores[p]!.flatMap((s) => Array.from(s))), p));
  return { method: 'conformal', confidence, values: n * horizon, pooled: true, offsets: Array.from({ length: horizon }, () => [...pooled]) };
}

/**
 * One step's model-space quantiles (sorted, `Q` values) with a calibration applied: each pair
 * moved out by its offset, kept on its side of the median, and sorted again so that they never
 * cross. Without a calibration, `scale` (an older checkpoint's single factor on every quantile's
 * distance from the median) or nothing.
 */
export function calibrateStep(step: number[], k: number, median: number, calibration: IntervalCalibration | null, scale = 1): number[] {
  const med = step[median]!;
  if (!calibration) return step.map((v) => med + scale * (v - med));
  const out = [...step];
  const Q = step.length;
  calibration.offsets[k]!.forEach((e, p) => {
    out[p] = Math.min(med, step[p]! - e);
    out[Q - 1 - p] = Math.max(med, step[Q - 1 - p]! + e);
  });
  return out.sort((a, b) => a - b);
}

/** One line saying how a forecaster's intervals were calibrated, for `recur info` and `recur eval`. */
export function describeCalibration(calibration: IntervalCalibration | null | undefined, legacyScale?: number, hasInterval = true): string {
  if (!hasInterval) return 'none (no quantiles on both sides of the median)';
  if (calibration) {
    if (calibration.pooled) return `conformal on validation, pooled over steps (${calibration.values} values: too few series for a rank per step, so no confidence is claimed)`;
    return `conformal on validation, per step (${calibration.values} series' validation values each), each interval's nominal share held with ${Math.round(calibration.confidence * 100)}% confidence`;
  }
  if (legacyScale !== undefined) return `not conformal-calibrated (an older checkpoint: widths x ${legacyScale.toFixed(2)} from validation)`;
  return 'uncalibrated (the raw quantiles)';
}

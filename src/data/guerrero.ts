/**
 * Guerrero's (1993) choice of a Box-Cox parameter, as R's forecast::BoxCox.lambda(x,
 * method = "guerrero") makes it: the lambda that makes the spread of each subseries most
 * nearly independent of its level. Near 0 the spread grows in proportion to the level (a
 * log scale suits); near 1 it does not grow with the level (the original scale suits).
 */

/** Mean and sample standard deviation of values[start .. start + count). */
function meanAndSd(values: ArrayLike<number>, start: number, count: number): { mean: number; sd: number } {
  let mean = 0;
  for (let k = 0; k < count; k++) mean += values[start + k]!;
  mean /= count;
  let ss = 0;
  for (let k = 0; k < count; k++) ss += (values[start + k]! - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (count - 1)) };
}

/**
 * Guerrero's lambda for a strictly positive series, searched over [-1, 2] in steps of 0.01:
 * the lambda with the smallest coefficient of variation of sd_i / mean_i^(1 - lambda) over
 * consecutive subseries of `period` values (at least 2: a non-seasonal series is judged on
 * pairs), aligned to the end of y (a leading remainder is dropped, as R does).
 * NaN when the series holds fewer than two subseries.
 */
export function guerreroLambda(y: ArrayLike<number>, period: number): number {
  const p = Math.max(2, Math.round(period));
  const groups = Math.floor(y.length / p);
  if (groups < 2) return NaN;
  const first = y.length - groups * p;
  // Each subseries' mean and spread do not depend on lambda: computed once.
  const stats = Array.from({ length: groups }, (_, g) => meanAndSd(y, first + g * p, p));
  const ratios = new Float64Array(groups);
  let best = NaN;
  let bestCv = Infinity;
  for (let i = 0; i <= 300; i++) {
    const lambda = (i - 100) / 100;
    stats.forEach(({ mean, sd }, g) => (ratios[g] = sd / mean ** (1 - lambda)));
    const r = meanAndSd(ratios, 0, groups);
    const cv = r.sd / r.mean;
    if (cv < bestCv) {
      bestCv = cv;
      best = lambda;
    }
  }
  return best;
}

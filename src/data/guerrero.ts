/**
 * Guerrero's (1993) choice of a Box-Cox parameter, as R's forecast::BoxCox.lambda(x,
 * method = "guerrero") makes it: the lambda that makes the spread of each subseries most
 * nearly independent of its level. Near 0 the spread grows in proportion to the level (a
 * log scale suits); near 1 it does not grow with the level (the original scale suits).
 */

/**
 * Coefficient of variation of sd_i / mean_i^(1 - lambda) over the last whole subseries of
 * `period` consecutive values.
 */
function guerreroCv(y: ArrayLike<number>, period: number, lambda: number): number {
  const groups = Math.floor(y.length / period);
  const first = y.length - groups * period;
  const ratios: number[] = [];
  for (let g = 0; g < groups; g++) {
    const start = first + g * period;
    let mean = 0;
    for (let k = 0; k < period; k++) mean += y[start + k]!;
    mean /= period;
    let ss = 0;
    for (let k = 0; k < period; k++) ss += (y[start + k]! - mean) ** 2;
    ratios.push(Math.sqrt(ss / (period - 1)) / mean ** (1 - lambda));
  }
  const m = ratios.reduce((a, b) => a + b, 0) / groups;
  const s = Math.sqrt(ratios.reduce((a, r) => a + (r - m) ** 2, 0) / (groups - 1));
  return s / m;
}

/**
 * Guerrero's lambda for a strictly positive series, searched over [-1, 2] in steps of 0.01.
 * Subseries are `period` long (at least 2: a non-seasonal series is judged on pairs).
 * NaN when the series holds fewer than two subseries.
 */
export function guerreroLambda(y: ArrayLike<number>, period: number): number {
  const p = Math.max(2, Math.round(period));
  if (Math.floor(y.length / p) < 2) return NaN;
  let best = NaN;
  let bestCv = Infinity;
  for (let i = 0; i <= 300; i++) {
    const lambda = (i - 100) / 100;
    const cv = guerreroCv(y, p, lambda);
    if (cv < bestCv) {
      bestCv = cv;
      best = lambda;
    }
  }
  return best;
}

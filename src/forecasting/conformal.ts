import { OptionError } from '../errors.js';

function checkLevel(name: string, v: number): void {
  if (!(v > 0 && v < 1)) throw new OptionError(`conformal: ${name} must lie strictly between 0 and 1, got ${v}`);
}

function checkCount(n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new OptionError(`conformal: the number of calibration scores must be a whole number >= 0, got ${n}`);
}

/**
 * The rank (1-based, in increasing order) of the calibration score that split-conformal
 * prediction uses for miscoverage `alpha` with `n` exchangeable scores: ceil((n + 1)(1 - alpha))
 * (Vovk et al. 2005; Romano et al. 2019, eq. 8). A fresh value's score falls at or below it with
 * probability at least 1 - alpha, averaged over calibration sets. n + 1 when n is too small
 * (no finite score is enough: the interval is unbounded).
 *
 * @example
 * conformalRank(9, 0.2); // 8: the 8th smallest of 9 scores
 */
export function conformalRank(n: number, alpha: number): number {
  checkCount(n);
  checkLevel('alpha', alpha);
  // The small epsilon keeps (n + 1)(1 - alpha) = 8.000000000000002 from rounding up to 9.
  return Math.min(n + 1, Math.ceil((n + 1) * (1 - alpha) - 1e-9));
}

/**
 * The log of every binomial coefficient C(n, i), i = 0..n (sums of logs: exact enough and no
 * overflow for large n).
 */
function logChoose(n: number): Float64Array {
  const logFact = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) logFact[i] = logFact[i - 1]! + Math.log(i);
  return Float64Array.from({ length: n + 1 }, (_, i) => logFact[n]! - logFact[i]! - logFact[n - i]!);
}

/**
 * The rank (1-based) of the calibration score to use so that coverage holds with confidence:
 * the smallest k with P(coverage < 1 - alpha) <= delta over the draw of the n calibration
 * scores. With the k-th smallest of n exchangeable scores as threshold, the coverage of a fresh
 * value is Beta(k, n + 1 - k) distributed, and P(Beta(k, n + 1 - k) < 1 - alpha) equals
 * P(Binomial(n, 1 - alpha) >= k): a training-conditional ("PAC") conformal guarantee (Vovk
 * 2012, "Conditional validity of inductive conformal predictors"; Park et al. 2020). It is at
 * least {@link conformalRank}'s; n + 1 when even the largest score is not enough.
 *
 * @example
 * confidentConformalRank(181, 0.2, 0.1); // 153 (the plain rank is 146)
 * confidentConformalRank(10, 0.2, 0.1);  // 11: ten scores cannot give 80% with 90% confidence
 */
export function confidentConformalRank(n: number, alpha: number, delta: number): number {
  checkCount(n);
  checkLevel('alpha', alpha);
  checkLevel('delta', delta);
  if (n === 0) return 1;
  const lc = logChoose(n);
  const p = 1 - alpha;
  const lp = Math.log(p);
  const lq = Math.log(alpha);
  // tail = P(X >= k) for X ~ Binomial(n, p), growing as k goes down from n.
  let tail = 0;
  let rank = n + 1;
  for (let k = n; k >= 1; k--) {
    tail += Math.exp(lc[k]! + k * lp + (n - k) * lq);
    if (tail > delta) break;
    rank = k;
  }
  return Math.max(rank, conformalRank(n, alpha));
}

/**
 * The conformal threshold of some calibration scores: the score of the given rank (from
 * {@link conformalRank}, or {@link confidentConformalRank} with `delta`), Infinity when the rank
 * is past the last score. NaN scores count as Infinity (a value no interval covers).
 *
 * @example
 * conformalQuantile([5, 1, 4, 2, 3, 9, 8, 7, 6], 0.2); // 8 (rank 8 of 9)
 */
export function conformalQuantile(scores: ArrayLike<number>, alpha: number, delta?: number): number {
  const sorted = Float64Array.from(scores, (s) => (Number.isNaN(s) ? Infinity : s)).sort();
  const rank = delta === undefined ? conformalRank(sorted.length, alpha) : confidentConformalRank(sorted.length, alpha, delta);
  return rank > sorted.length ? Infinity : sorted[rank - 1]!;
}

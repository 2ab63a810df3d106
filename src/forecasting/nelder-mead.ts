import { OptionError } from '../errors.js';
import { intOption, rejectUnknownOptions } from '../options.js';

/*
 * The Nelder-Mead simplex minimiser of R's optim() (nmmin in src/appl/optim.c, after Nash's
 * "Compact numerical methods"), step for step: the same initial simplex (one step of 10% of the
 * largest |parameter| along each axis), the same reflection/expansion/contraction/shrink rules and
 * the same stopping test. forecast::ets calls this very routine, so porting it (rather than using
 * a textbook variant) lets our exponential smoothing land on R's estimates, not merely near them.
 */

/** Options of {@link nelderMead}; the defaults are optim()'s. */
export interface NelderMeadOptions {
  /** Stop when the best value is <= abstol (default -Infinity: never). */
  abstol?: number;
  /** Stop when the simplex's values span <= reltol * (|f0| + reltol) (default sqrt(machine eps)). */
  reltol?: number;
  /** Reflection, contraction and expansion factors (defaults 1, 0.5, 2). */
  alpha?: number;
  beta?: number;
  gamma?: number;
  /** Maximum number of function evaluations (default 500, as optim; forecast::ets uses 2000). */
  maxit?: number;
}

/** The minimum found and how the search ended (fail 0: converged, 1: maxit reached, 10: simplex stuck). */
export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
  fail: 0 | 1 | 10;
}

/** What an infeasible or non-finite point costs (optim's `big`). */
const BIG = 1.0e35;

/**
 * Minimises `f` from `start` by R's Nelder-Mead. Non-finite values of `f` count as 1e35, which is
 * how callers express bounds. Deterministic: no randomness anywhere.
 *
 * @example
 * nelderMead(([a, b]) => (a! - 1) ** 2 + (b! + 2) ** 2, [0, 0]).x; // ≈ [1, -2]
 */
export function nelderMead(f: (x: number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const what = 'nelderMead';
  rejectUnknownOptions(what, options, ['abstol', 'reltol', 'alpha', 'beta', 'gamma', 'maxit']);
  const abstol = options.abstol ?? -Infinity;
  const intol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const alpha = options.alpha ?? 1;
  const bet = options.beta ?? 0.5;
  const gamm = options.gamma ?? 2;
  const maxit = intOption(what, 'maxit', options.maxit ?? 500, 0);
  const n = start.length;
  if (n === 0) throw new OptionError(`${what}: start must have at least one parameter`);
  const bvec = [...start];
  if (maxit === 0) return { x: bvec, value: f([...bvec]), evaluations: 0, fail: 0 };
  // P[i][j]: coordinate i of vertex j (j = 0..n), row n holds the values, column n+1 the centroid.
  const n1 = n + 1;
  const C = n + 2;
  const P = Array.from({ length: n1 }, () => new Array<number>(C).fill(0));
  let fv = f([...bvec]);
  if (!Number.isFinite(fv)) throw new OptionError(`${what}: the function cannot be evaluated at the initial parameters [${start.join(', ')}]`);
  let funcount = 1;
  const convtol = intol * (Math.abs(fv) + intol);
  P[n1 - 1]![0] = fv;
  for (let i = 0; i < n; i++) P[i]![0] = bvec[i]!;
  let L = 1;
  let size = 0;
  let step = 0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(bvec[i]!) > step) step = 0.1 * Math.abs(bvec[i]!);
  if (step === 0) step = 0.1;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) P[i]![j - 1] = bvec[i]!;
    let trystep = step;
    while (P[j - 2]![j - 1] === bvec[j - 2]) {
      P[j - 2]![j - 1] = bvec[j - 2]! + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let fail: 0 | 1 | 10 = 0;
  const evaluate = (x: number[]): number => {
    const v = f([...x]);
    funcount++;
    return Number.isFinite(v) ? v : BIG;
  };
  do {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 !== L) {
          for (let i = 0; i < n; i++) bvec[i] = P[i]![j]!;
          P[n1 - 1]![j] = evaluate(bvec);
        }
      }
      calcvert = false;
    }
    let VL = P[n1 - 1]![L - 1]!;
    let VH = VL;
    let H = L;
    for (let j = 1; j <= n1; j++) {
      if (j !== L) {
        const v = P[n1 - 1]![j - 1]!;
        if (v < VL) {
          L = j;
          VL = v;
        }
        if (v > VH) {
          H = j;
          VH = v;
        }
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;
    for (let i = 0; i < n; i++) {
      let temp = -P[i]![H - 1]!;
      for (let j = 0; j < n1; j++) temp += P[i]![j]!;
      P[i]![C - 1] = temp / n;
    }
    for (let i = 0; i < n; i++) bvec[i] = (1 + alpha) * P[i]![C - 1]! - alpha * P[i]![H - 1]!;
    fv = evaluate(bvec);
    const VR = fv;
    if (VR < VL) {
      P[n1 - 1]![C - 1] = fv;
      for (let i = 0; i < n; i++) {
        const e = gamm * bvec[i]! + (1 - gamm) * P[i]![C - 1]!;
        P[i]![C - 1] = bvec[i]!;
        bvec[i] = e;
      }
      fv = evaluate(bvec);
      if (fv < VR) {
        for (let i = 0; i < n; i++) P[i]![H - 1] = bvec[i]!;
        P[n1 - 1]![H - 1] = fv;
      } else {
        for (let i = 0; i < n; i++) P[i]![H - 1] = P[i]![C - 1]!;
        P[n1 - 1]![H - 1] = VR;
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) P[i]![H - 1] = bvec[i]!;
        P[n1 - 1]![H - 1] = VR;
      }
      for (let i = 0; i < n; i++) bvec[i] = (1 - bet) * P[i]![H - 1]! + bet * P[i]![C - 1]!;
      fv = evaluate(bvec);
      if (fv < P[n1 - 1]![H - 1]!) {
        for (let i = 0; i < n; i++) P[i]![H - 1] = bvec[i]!;
        P[n1 - 1]![H - 1] = fv;
      } else if (VR >= VH) {
        // Shrink towards the best vertex.
        calcvert = true;
        size = 0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 !== L) {
            for (let i = 0; i < n; i++) {
              P[i]![j] = bet * (P[i]![j]! - P[i]![L - 1]!) + P[i]![L - 1]!;
              size += Math.abs(P[i]![j]! - P[i]![L - 1]!);
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          fail = 10;
          break;
        }
      }
    }
  } while (funcount <= maxit);
  const x = Array.from({ length: n }, (_, i) => P[i]![L - 1]!);
  if (funcount > maxit) fail = 1;
  return { x, value: P[n1 - 1]![L - 1]!, evaluations: funcount, fail };
}

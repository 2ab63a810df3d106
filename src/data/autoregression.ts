/**
 * A linear autoregressive baseline, y[t] = c + a1 y[t-1] + ... + ap y[t-p], fitted by least
 * squares with the order chosen by AIC (statsmodels' `ar_select_order` rule: every order
 * scored on the same rows). A recurrent forecaster is worth its cost only where it beats
 * this, so `recur eval` reports it beside persistence and seasonal-naive.
 */
export interface Autoregression {
  order: number;
  intercept: number;
  /** a1 .. ap: the weight of the value k steps back is coefficients[k - 1]. */
  coefficients: Float64Array;
}

/**
 * Least squares for a tall system (rows x cols, row-major) by Householder QR, which stays
 * accurate where the normal equations would square the condition number (levels in the
 * hundreds beside an intercept). Returns null when the columns are (nearly) dependent.
 */
export function leastSquares(a: Float64Array, b: Float64Array, rows: number, cols: number): { x: Float64Array; rss: number } | null {
  // Reflections act on [A | b] together: b is the augmented matrix's last column.
  const w = cols + 1;
  const m = new Float64Array(rows * w);
  let scale = 0;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++) scale = Math.max(scale, Math.abs((m[i * w + k] = a[i * cols + k]!)));
    m[i * w + cols] = b[i]!;
  }
  for (let j = 0; j < cols; j++) {
    let norm = 0;
    for (let i = j; i < rows; i++) norm += m[i * w + j]! ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-10 * scale * Math.sqrt(rows))) return null;
    const alpha = m[j * w + j]! > 0 ? -norm : norm;
    // Householder vector v = column - alpha e_j, applied to the remaining columns and b.
    const v = new Float64Array(rows - j);
    for (let i = j; i < rows; i++) v[i - j] = m[i * w + j]!;
    v[0]! -= alpha;
    let vv = 0;
    for (const x of v) vv += x * x;
    for (let k = j; k < w; k++) {
      let s = 0;
      for (let i = j; i < rows; i++) s += v[i - j]! * m[i * w + k]!;
      const f = (2 * s) / vv;
      for (let i = j; i < rows; i++) m[i * w + k]! -= f * v[i - j]!;
    }
  }
  const x = new Float64Array(cols);
  for (let j = cols - 1; j >= 0; j--) {
    let s = m[j * w + cols]!;
    for (let k = j + 1; k < cols; k++) s -= m[j * w + k]! * x[k]!;
    x[j] = s / m[j * w + j]!;
  }
  let rss = 0;
  for (let i = cols; i < rows; i++) rss += m[i * w + cols]! ** 2;
  return { x, rss };
}

/** Fits AR(order) on targets t in [first, end) of y; null when the lags are collinear. */
function fitOrder(y: ArrayLike<number>, order: number, first: number, end: number): { model: Autoregression; rss: number; rows: number } | null {
  const rows = end - first;
  const cols = order + 1;
  const a = new Float64Array(rows * cols);
  const b = new Float64Array(rows);
  for (let t = first; t < end; t++) {
    const o = (t - first) * cols;
    a[o] = 1;
    for (let k = 1; k <= order; k++) a[o + k] = y[t - k]!;
    b[t - first] = y[t]!;
  }
  const fit = leastSquares(a, b, rows, cols);
  if (!fit) return null;
  return { model: { order, intercept: fit.x[0]!, coefficients: fit.x.slice(1) }, rss: fit.rss, rows };
}

/**
 * The AR model of order 1..maxOrder with the lowest AIC (n ln(RSS/n) + 2(p+1)) on steps
 * [0, end) of y, refitted on all the rows its order allows. Orders are capped so that each
 * fit has at least three rows per coefficient; null when not even AR(1) can be fitted.
 */
export function fitAutoregression(y: ArrayLike<number>, end: number, maxOrder: number): Autoregression | null {
  const cap = Math.min(maxOrder, Math.floor((end - 3) / 4));
  let best: { order: number; aic: number } | null = null;
  for (let p = 1; p <= cap; p++) {
    const fit = fitOrder(y, p, cap, end);
    if (!fit) continue;
    // A perfect fit has RSS 0: any order that reaches it is as good as it gets.
    const aic = fit.rows * Math.log(Math.max(fit.rss, Number.MIN_VALUE) / fit.rows) + 2 * (p + 1);
    if (!best || aic < best.aic) best = { order: p, aic };
  }
  return best ? (fitOrder(y, best.order, best.order, end)?.model ?? null) : null;
}

/** One-step forecast of y[t] from the values before it. */
export function predictAutoregression(ar: Autoregression, y: ArrayLike<number>, t: number): number {
  let s = ar.intercept;
  for (let k = 1; k <= ar.order; k++) s += ar.coefficients[k - 1]! * y[t - k]!;
  return s;
}

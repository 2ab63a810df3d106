import { FormatError } from '../errors.js';
import { columnIndex, type CsvTable } from './csv.js';

const MISSING = new Set(['', 'na', 'nan', 'null', 'none', '?']);

/**
 * A numeric column. Missing values (empty, NA, NaN, null) are an error naming the first
 * row, unless `missing` is 'interpolate' (linear between neighbours; ends copy the nearest
 * value). Text that is not a number and infinities are always errors.
 */
export function numericColumn(
  table: CsvTable,
  name: string,
  source: string,
  missing: 'error' | 'interpolate' = 'error',
): Float64Array {
  const k = columnIndex(table, name, source);
  const out = new Float64Array(table.rows.length);
  const holes: number[] = [];
  table.rows.forEach((row, i) => {
    const raw = row[k]!.trim();
    if (MISSING.has(raw.toLowerCase())) {
      if (missing === 'error') {
        throw new FormatError(
          `${source}: column '${table.header[k]}' is missing a value in data row ${i + 1}; fill it, or pass --missing interpolate`,
        );
      }
      holes.push(i);
      out[i] = NaN;
      return;
    }
    const v = Number(raw);
    if (raw === '' || Number.isNaN(v)) {
      throw new FormatError(`${source}: column '${table.header[k]}' row ${i + 1} holds '${raw}', which is not a number`);
    }
    if (!Number.isFinite(v)) throw new FormatError(`${source}: column '${table.header[k]}' row ${i + 1} is infinite`);
    out[i] = v;
  });
  if (holes.length === out.length) throw new FormatError(`${source}: column '${table.header[k]}' has no values at all`);
  if (holes.length > 0) interpolate(out);
  return out;
}

function interpolate(v: Float64Array): void {
  let prev = -1;
  for (let i = 0; i <= v.length; i++) {
    if (i < v.length && Number.isNaN(v[i]!)) continue;
    for (let j = prev + 1; j < i; j++) {
      if (prev < 0) v[j] = v[i]!;
      else if (i >= v.length) v[j] = v[prev]!;
      else v[j] = v[prev]! + ((v[i]! - v[prev]!) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
}

/** Mean and standard deviation fitted on one part of a series; applied to any part. */
export interface Scaler {
  mean: number;
  std: number;
}

/** Fits a scaler on `values`; a constant column is an error (it carries no signal to scale). */
export function fitScaler(values: ArrayLike<number>, what: string): Scaler {
  const n = values.length;
  if (n < 2) throw new FormatError(`${what}: needs at least 2 values to fit a scaler, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i]! - mean) ** 2;
  const std = Math.sqrt(v / (n - 1));
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
    throw new FormatError(`${what}: is constant (${mean}) in the training part; a constant column cannot be learned from`);
  }
  return { mean, std };
}

/** Where the training, validation and test parts of a series begin and end (by time). */
export interface TimeSplit {
  trainEnd: number;
  valEnd: number;
  n: number;
}

/** Splits n steps by time: the last `test` fraction is the test part, the `val` fraction before it validation. */
export function splitByTime(n: number, val: number, test: number): TimeSplit {
  const testStart = n - Math.round(n * test);
  const valStart = testStart - Math.round(n * val);
  return { trainEnd: valStart, valEnd: testStart, n };
}

/**
 * The seasonal period: among the lags in 2..maxLag where the autocorrelation of the
 * differenced training series peaks (higher than at the lag before, at least as high as at
 * the lag after) after having dropped to zero or below, and is clearly positive (> 0.3),
 * the shortest whose autocorrelation is within 80% of the highest peak's; 1 when there is
 * no such peak. Requiring a peak past a dip keeps a smooth series' high correlation at
 * short lags (or the rising side of a period longer than maxLag) from passing for a season.
 */
export function detectSeason(values: ArrayLike<number>, maxLag: number): number {
  const d: number[] = [];
  for (let i = 1; i < values.length; i++) d.push(values[i]! - values[i - 1]!);
  const n = d.length;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  let var0 = 0;
  for (const x of d) var0 += (x - mean) ** 2;
  if (var0 === 0) return 1;
  const top = Math.min(maxLag, Math.floor(n / 3));
  const r = (lag: number): number => {
    let s = 0;
    for (let i = lag; i < n; i++) s += (d[i]! - mean) * (d[i - lag]! - mean);
    // Averaged over the n - lag products (not n): otherwise the estimate shrinks with the
    // lag and a flat peak (a smooth season) is found one or two steps early.
    return (s / (n - lag)) / (var0 / n);
  };
  const peaks: Array<{ lag: number; r: number }> = [];
  let prev = r(1);
  let cur = r(2);
  let dipped = prev <= 0;
  for (let lag = 2; lag <= top; lag++) {
    const next = r(lag + 1);
    if (dipped && cur > prev && cur >= next && cur > 0.3) peaks.push({ lag, r: cur });
    if (cur <= 0) dipped = true;
    prev = cur;
    cur = next;
  }
  if (peaks.length === 0) return 1;
  // Multiples of the period peak about as high as the period itself: take the first peak
  // that comes close to the highest.
  const highest = Math.max(...peaks.map((p) => p.r));
  return peaks.find((p) => p.r >= 0.8 * highest)!.lag;
}

/** RMSE of one-step persistence (y[t-1]) and seasonal-naive (y[t-m]) forecasts over [from, to). */
export function baselineRmse(y: ArrayLike<number>, from: number, to: number, season: number): { naive: number; seasonalNaive: number } {
  let a = 0;
  let b = 0;
  let n = 0;
  for (let t = Math.max(from, season, 1); t < to; t++) {
    a += (y[t]! - y[t - 1]!) ** 2;
    b += (y[t]! - y[t - season]!) ** 2;
    n++;
  }
  return { naive: Math.sqrt(a / n), seasonalNaive: Math.sqrt(b / n) };
}

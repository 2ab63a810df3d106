import { FormatError } from '../errors.js';
import { guerreroLambda } from './guerrero.js';
import { detectSeason, fitScaler, type Scaler } from './series.js';

/**
 * How a forecaster sees a series: each step's features are the scaled level, the scaled
 * change since the previous step, and any extra columns scaled; the targets are the changes
 * of the next `horizon` steps from the last seen value, scaled. Modelling changes rather than
 * levels lets a network extrapolate trends it never saw in the training range.
 * Every scaler is fitted on the training part only.
 */
export interface SeriesEncoding {
  /** 'log' models log(y) (for positive series whose swings grow with their level). */
  transform: 'none' | 'log';
  level: Scaler;
  change: Scaler;
  extras: Scaler[];
}

export function applyTransform(y: ArrayLike<number>, transform: 'none' | 'log'): Float64Array {
  return Float64Array.from({ length: y.length }, (_, i) => (transform === 'log' ? Math.log(y[i]!) : y[i]!));
}

export function invertTransform(v: number, transform: 'none' | 'log'): number {
  return transform === 'log' ? Math.exp(v) : v;
}

/** Past steps a forecaster reads when no window is given. */
export const DEFAULT_WINDOW = 12;

/**
 * 'auto' picks log for a strictly positive series that spans at least a factor of 3 in
 * training and whose spread grows with its level: Guerrero's Box-Cox lambda on the training
 * part (subseries of one season, or pairs) below 0.5, nearer the log scale's 0 than the
 * original scale's 1. A series that grows without its swings growing stays on its own scale.
 */
export function chooseTransform(y: ArrayLike<number>, trainEnd: number, requested: 'auto' | 'none' | 'log', what: string, season = 0): 'none' | 'log' {
  let min = Infinity;
  for (let i = 0; i < y.length; i++) min = Math.min(min, y[i]!);
  if (requested === 'log' && min <= 0) throw new FormatError(`${what}: the log transform needs positive values; the smallest is ${min}`);
  if (requested !== 'auto') return requested;
  const train = Float64Array.from({ length: trainEnd }, (_, i) => y[i]!);
  let tmin = Infinity;
  let tmax = -Infinity;
  for (const v of train) {
    tmin = Math.min(tmin, v);
    tmax = Math.max(tmax, v);
  }
  if (!(min > 0 && tmax / tmin >= 3)) return 'none';
  return guerreroLambda(train, season > 0 ? season : detectSeason(train, 60)) < 0.5 ? 'log' : 'none';
}

/** Fits the encoding on steps [0, trainEnd) of the transformed target and extras. */
export function fitEncoding(z: Float64Array, extras: Float64Array[], trainEnd: number, transform: 'none' | 'log', names: string[]): SeriesEncoding {
  const changes = Float64Array.from({ length: trainEnd - 1 }, (_, i) => z[i + 1]! - z[i]!);
  return {
    transform,
    level: fitScaler(z.subarray(0, trainEnd), `column '${names[0]}'`),
    change: fitScaler(changes, `changes of column '${names[0]}'`),
    extras: extras.map((e, k) => fitScaler(e.subarray(0, trainEnd), `column '${names[k + 1]}'`)),
  };
}

/** Features per step: level, change, extras. */
export function featureCount(enc: SeriesEncoding): number {
  return 2 + enc.extras.length;
}

/**
 * Input features of the window ending just before step t: [window, features], flattened
 * into `out` at `offset`. Needs t - window - 1 >= 0.
 */
export function encodeWindow(z: Float64Array, extras: Float64Array[], enc: SeriesEncoding, t: number, window: number, out: Float32Array, offset: number): void {
  const F = featureCount(enc);
  for (let s = 0; s < window; s++) {
    const i = t - window + s;
    const o = offset + s * F;
    out[o] = (z[i]! - enc.level.mean) / enc.level.std;
    out[o + 1] = (z[i]! - z[i - 1]! - enc.change.mean) / enc.change.std;
    extras.forEach((e, k) => (out[o + 2 + k] = (e[i]! - enc.extras[k]!.mean) / enc.extras[k]!.std));
  }
}

/** Scaled targets: the changes of steps t .. t+horizon-1 from step t-1. */
export function encodeTargets(z: Float64Array, enc: SeriesEncoding, t: number, horizon: number, out: Float32Array, offset: number): void {
  for (let k = 0; k < horizon; k++) out[offset + k] = (z[t + k]! - z[t - 1]! - enc.change.mean) / enc.change.std;
}

/** Back from a scaled predicted change to the series' units, given the last seen (transformed) value. */
export function decodePrediction(pred: number, lastZ: number, enc: SeriesEncoding): number {
  return invertTransform(lastZ + pred * enc.change.std + enc.change.mean, enc.transform);
}

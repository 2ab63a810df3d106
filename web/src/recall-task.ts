// The "memory over distance" task: one marked symbol among distractors must be recalled at
// the last step. Its distance to the end varies, so accuracy can be read per distance.
import { Rng } from 'recur';

/** Symbols the model may have to recall; distractors are drawn from all SYMBOLS. */
export const CLASSES = 4;
export const SYMBOLS = 8;
/** One-hot symbol, then a "remember this" flag, then a "answer now" flag. */
export const FEATURES = SYMBOLS + 2;

export interface RecallBatch {
  /** [T, B, FEATURES] time-major inputs. */
  x: Float32Array;
  targets: Int32Array;
  /** Steps between the marked symbol and the query, 1..T-1. */
  distances: Int32Array;
}

/**
 * A batch of recall sequences. With `shortFraction` > 0, that share of examples has the
 * symbol at most 5 steps back: an easy start every cell can learn from (evaluation uses 0,
 * so accuracy is measured evenly over all distances).
 */
export function recallBatch(T: number, B: number, rng: Rng, shortFraction = 0): RecallBatch {
  const x = new Float32Array(T * B * FEATURES);
  const targets = new Int32Array(B);
  const distances = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const target = Math.floor(rng.random() * CLASSES);
    const span = rng.random() < shortFraction ? Math.min(5, T - 1) : T - 1;
    const p = T - 2 - Math.floor(rng.random() * span);
    targets[b] = target;
    distances[b] = T - 1 - p;
    for (let t = 0; t < T - 1; t++) {
      const sym = t === p ? target : Math.floor(rng.random() * SYMBOLS);
      const row = (t * B + b) * FEATURES;
      x[row + sym] = 1;
      if (t === p) x[row + SYMBOLS] = 1;
    }
    x[((T - 1) * B + b) * FEATURES + SYMBOLS + 1] = 1;
  }
  return { x, targets, distances };
}

/** Distance bins [lo, hi] covering 1..T-1 in at most `n` bins. */
export function distanceBins(T: number, n = 6): Array<[number, number]> {
  const width = Math.ceil((T - 1) / n);
  const bins: Array<[number, number]> = [];
  for (let lo = 1; lo <= T - 1; lo += width) bins.push([lo, Math.min(T - 1, lo + width - 1)]);
  return bins;
}

/**
 * One recall sequence in CLASSES variants, batch-major in time: [T, CLASSES, FEATURES]. The
 * distractors are the same in every variant; variant k has symbol k marked at step `markAt`.
 * Comparing the variants shows what the state keeps of the marked symbol.
 */
export function recallVariants(T: number, markAt: number, rng: Rng): { x: Float32Array; symbols: number[] } {
  const B = CLASSES;
  const x = new Float32Array(T * B * FEATURES);
  const symbols = Array.from({ length: T }, (_, t) => (t === T - 1 ? -1 : Math.floor(rng.random() * SYMBOLS)));
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T - 1; t++) {
      const row = (t * B + b) * FEATURES;
      x[row + (t === markAt ? b : symbols[t]!)] = 1;
      if (t === markAt) x[row + SYMBOLS] = 1;
    }
    x[((T - 1) * B + b) * FEATURES + SYMBOLS + 1] = 1;
  }
  return { x, symbols };
}

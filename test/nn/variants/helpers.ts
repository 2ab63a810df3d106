import type { RecurrentLayer, RecurrentState } from '../../../src/nn/layers/recurrent.js';
import { Rng } from '../../../src/tensor/random.js';

/** Overwrites every parameter whose name starts with `prefix` with uniform(-scale, scale) values. */
export function randomizeParams(layer: RecurrentLayer<RecurrentState>, prefix: string, scale: number, rng: Rng): void {
  for (const [name, t] of Object.entries(layer.stateDict())) {
    if (!name.startsWith(prefix)) continue;
    for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(-scale, scale);
  }
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

import type { Tensor } from '../tensor/tensor.js';

/**
 * Exponential moving average of parameters (Polyak averaging), one Float32Array per
 * parameter in `parameters()` order: `avg = decay·avg + (1 − decay)·p`, started from the
 * parameters themselves. Returns the (new or updated) averages.
 *
 * @example
 * averaged = updateAverage(averaged, model.parameters(), 0.99); // after each optimiser step
 */
export function updateAverage(averaged: Float32Array[] | null, params: readonly Tensor[], decay: number): Float32Array[] {
  if (!averaged) return params.map((p) => p.data.slice());
  params.forEach((p, i) => {
    const a = averaged[i]!;
    for (let j = 0; j < a.length; j++) a[j] = decay * a[j]! + (1 - decay) * p.data[j]!;
  });
  return averaged;
}

/** Exchanges the live parameters and `saved` copies of them in place (twice restores both). */
export function swapParameters(params: readonly Tensor[], saved: Float32Array[]): void {
  params.forEach((p, i) => {
    const a = saved[i]!;
    const live = p.data.slice();
    p.data.set(a);
    p.version++;
    a.set(live);
  });
}

/** Copies `saved` (e.g. the best validation's parameters) into the live parameters. */
export function loadParameters(params: readonly Tensor[], saved: readonly Float32Array[]): void {
  saved.forEach((b, i) => {
    params[i]!.data.set(b);
    params[i]!.version++;
  });
}

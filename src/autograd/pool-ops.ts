import { ShapeError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { gradBuffer, Tensor } from '../tensor/tensor.js';
import { outputGrad, record } from './graph.js';

/**
 * Pooling over time of a recurrent layer's outputs, each sequence over its own steps only:
 * a classifier that reads every frame instead of the final state alone.
 */

/** Checks x [T, B, F] and lengths (B integers in 1..T); returns [T, B, F]. */
function dims(what: string, x: Tensor, lengths: ArrayLike<number>): [number, number, number] {
  if (x.shape.length !== 3) throw new ShapeError(`${what}: expected x [steps, batch, features], got ${formatShape(x.shape)}`);
  const [T, B, F] = x.shape as [number, number, number];
  if (lengths.length !== B) throw new ShapeError(`${what}: ${lengths.length} lengths for a batch of ${B}`);
  for (let b = 0; b < B; b++) {
    const n = lengths[b]!;
    if (!Number.isInteger(n) || n < 1 || n > T) throw new ShapeError(`${what}: lengths[${b}] must be an integer in 1..${T}, got ${n}`);
  }
  return [T, B, F];
}

/**
 * Mean over time of x [T, B, F] (time-major), sequence b over its first lengths[b] steps:
 * [B, F]. Padding steps are ignored, whatever they hold.
 *
 * @example
 * const x = new Tensor([1, 10, 3, 20, 5, 99], [3, 2, 1]); // two sequences, lengths 3 and 2
 * meanOverTime(x, [3, 2]).data; // [3, 15]
 */
export function meanOverTime(x: Tensor, lengths: ArrayLike<number>): Tensor {
  const [, B, F] = dims('meanOverTime', x, lengths);
  const data = new Float32Array(B * F);
  for (let b = 0; b < B; b++) {
    const n = lengths[b]!;
    const acc = new Float64Array(F);
    for (let t = 0; t < n; t++) {
      const row = (t * B + b) * F;
      for (let f = 0; f < F; f++) acc[f]! += x.data[row + f]!;
    }
    for (let f = 0; f < F; f++) data[b * F + f] = acc[f]! / n;
  }
  const out = new Tensor(data, [B, F]);
  record('meanOverTime', [x], [out], () => {
    const g = outputGrad(out);
    const gx = gradBuffer(x);
    for (let b = 0; b < B; b++) {
      const n = lengths[b]!;
      for (let t = 0; t < n; t++) {
        const row = (t * B + b) * F;
        for (let f = 0; f < F; f++) gx[row + f]! += g[b * F + f]! / n;
      }
    }
  });
  return out;
}

import { gradBuffer } from '../tensor/tensor.js';
import { outputGrad, record } from '../autograd/graph.js';
import { ShapeError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Which positions count, and how much: 1 = counted, 0 = padding (ignored). */
export interface LossOptions {
  mask?: Float32Array;
}

/**
 * Softmax cross-entropy in nats, averaged over the counted positions
 * (torch.nn.functional.cross_entropy with reduction 'mean'; a mask replaces ignore_index).
 * `logits` is [..., classes]; `targets` holds one class id per position.
 *
 * @example
 * const loss = crossEntropy(logits, targets);          // logits [T, B, V], targets Int32Array(T * B)
 * const bpc = loss.data[0] / Math.LN2;                  // bits per character
 */
export function crossEntropy(logits: Tensor, targets: Int32Array, options: LossOptions = {}): Tensor {
  const V = logits.shape[logits.shape.length - 1]!;
  const n = logits.size / V;
  if (targets.length !== n) {
    throw new ShapeError(`crossEntropy: ${targets.length} targets for ${n} positions of logits ${formatShape(logits.shape)}`);
  }
  const mask = options.mask;
  if (mask && mask.length !== n) throw new ShapeError(`crossEntropy: mask has ${mask.length} entries, expected ${n}`);
  const probs = new Float32Array(logits.size);
  const row = new Float64Array(V);
  const x = logits.data;
  let total = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const w = mask ? mask[i]! : 1;
    const y = targets[i]!;
    if (w !== 0 && !(y >= 0 && y < V)) throw new ShapeError(`crossEntropy: target ${y} at position ${i} is outside 0..${V - 1}`);
    const o = i * V;
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, x[o + j]!);
    // One exp per logit (the costly part), kept in double until divided.
    let sum = 0;
    for (let j = 0; j < V; j++) {
      const e = Math.exp(x[o + j]! - max);
      row[j] = e;
      sum += e;
    }
    for (let j = 0; j < V; j++) probs[o + j] = row[j]! / sum;
    if (w !== 0) {
      total += w * (Math.log(sum) + max - x[o + y]!);
      count += w;
    }
  }
  const out = new Tensor([count > 0 ? total / count : 0], []);
  record('crossEntropy', [logits], [out], () => {
    if (count === 0) return;
    const g = outputGrad(out)[0]! / count;
    const gl = gradBuffer(logits);
    for (let i = 0; i < n; i++) {
      const w = mask ? mask[i]! : 1;
      if (w === 0) continue;
      const o = i * V;
      for (let j = 0; j < V; j++) gl[o + j]! += g * w * probs[o + j]!;
      gl[o + targets[i]!]! -= g * w;
    }
  });
  return out;
}

type Pointwise = (d: number) => { value: number; slope: number };

function regressionLoss(name: string, pointwise: Pointwise, pred: Tensor, target: Float32Array | Tensor, options: LossOptions): Tensor {
  const t = target instanceof Tensor ? target.data : target;
  if (t.length !== pred.size) {
    throw new ShapeError(`${name}: target has ${t.length} values, the prediction ${formatShape(pred.shape)} has ${pred.size}`);
  }
  const mask = options.mask;
  if (mask && mask.length !== pred.size) throw new ShapeError(`${name}: mask has ${mask.length} entries, expected ${pred.size}`);
  const slopes = new Float32Array(pred.size);
  let total = 0;
  let count = 0;
  for (let i = 0; i < pred.size; i++) {
    const w = mask ? mask[i]! : 1;
    if (w === 0) continue;
    const { value, slope } = pointwise(pred.data[i]! - t[i]!);
    total += w * value;
    slopes[i] = w * slope;
    count += w;
  }
  const out = new Tensor([count > 0 ? total / count : 0], []);
  record(name, [pred], [out], () => {
    if (count === 0) return;
    const g = outputGrad(out)[0]! / count;
    const gp = gradBuffer(pred);
    for (let i = 0; i < gp.length; i++) gp[i]! += g * slopes[i]!;
  });
  return out;
}

/** Mean squared error (torch.nn.functional.mse_loss). */
export function mse(pred: Tensor, target: Float32Array | Tensor, options: LossOptions = {}): Tensor {
  return regressionLoss('mse', (d) => ({ value: d * d, slope: 2 * d }), pred, target, options);
}

/** Mean absolute error (torch.nn.functional.l1_loss; slope 0 at 0 as PyTorch's sign). */
export function mae(pred: Tensor, target: Float32Array | Tensor, options: LossOptions = {}): Tensor {
  return regressionLoss('mae', (d) => ({ value: Math.abs(d), slope: Math.sign(d) }), pred, target, options);
}

/** Huber loss with threshold `delta` (torch.nn.functional.huber_loss). */
export function huber(pred: Tensor, target: Float32Array | Tensor, delta = 1, options: LossOptions = {}): Tensor {
  return regressionLoss(
    'huber',
    (d) =>
      Math.abs(d) <= delta
        ? { value: 0.5 * d * d, slope: d }
        : { value: delta * (Math.abs(d) - 0.5 * delta), slope: delta * Math.sign(d) },
    pred,
    target,
    options,
  );
}

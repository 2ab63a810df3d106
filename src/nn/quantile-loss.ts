import { outputGrad, record } from '../autograd/graph.js';
import { OptionError, ShapeError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import { gradBuffer, Tensor } from '../tensor/tensor.js';

/**
 * Checks quantile levels: strictly increasing, each in (0, 1).
 *
 * @example
 * checkQuantiles([0.1, 0.5, 0.9], 'pinballLoss'); // returns them
 */
export function checkQuantiles(quantiles: readonly number[], what: string): readonly number[] {
  if (quantiles.length === 0) throw new OptionError(`${what}: give at least one quantile, e.g. 0.1,0.5,0.9`);
  quantiles.forEach((q, i) => {
    if (!(q > 0 && q < 1)) throw new OptionError(`${what}: quantiles must lie strictly between 0 and 1, got ${q}`);
    if (i > 0 && !(q > quantiles[i - 1]!)) throw new OptionError(`${what}: quantiles must be increasing, got ${quantiles.join(',')}`);
  });
  return quantiles;
}

/**
 * The pinball (quantile) loss, averaged over every prediction: for a target y and the
 * prediction p of quantile q, `max(q (y - p), (q - 1)(y - p))`. Minimising it makes p the
 * q-quantile of y's distribution, so one network head gives a median and interval bounds
 * (Koenker & Bassett 1978; the loss of MQ-RNN, Wen et al. 2017). q = 0.5 is half the MAE.
 *
 * `pred` is [batch, steps * Q] with the Q quantiles of a step adjacent (step-major:
 * `pred[b, k * Q + j]` is quantile j of step k); `target` holds batch * steps values. At
 * p = y the slope in p is 1 - q (the branch p >= y).
 *
 * @example
 * const loss = pinballLoss(model.forward(x), targets, [0.1, 0.5, 0.9]); // x -> [B, h * 3], targets B * h
 * loss.backward();
 */
export function pinballLoss(pred: Tensor, target: Float32Array, quantiles: readonly number[], mask?: Float32Array): Tensor {
  const Q = checkQuantiles(quantiles, 'pinballLoss').length;
  if (pred.size !== target.length * Q) {
    throw new ShapeError(`pinballLoss: the prediction ${formatShape(pred.shape)} holds ${pred.size} values, expected ${target.length} targets x ${Q} quantiles`);
  }
  if (mask && mask.length !== target.length) throw new ShapeError(`pinballLoss: mask has ${mask.length} entries, expected ${target.length}`);
  const slopes = new Float32Array(pred.size);
  let total = 0;
  let count = 0;
  for (let i = 0; i < target.length; i++) {
    const w = mask ? mask[i]! : 1;
    if (w === 0) continue;
    count += w * Q;
    for (let j = 0; j < Q; j++) {
      const q = quantiles[j]!;
      const d = target[i]! - pred.data[i * Q + j]!;
      // d > 0: the prediction is below the target, loss q d, slope -q in p.
      if (d > 0) {
        total += w * q * d;
        slopes[i * Q + j] = -w * q;
      } else {
        total += w * (q - 1) * d;
        slopes[i * Q + j] = w * (1 - q);
      }
    }
  }
  const out = new Tensor([count > 0 ? total / count : 0], []);
  record('pinballLoss', [pred], [out], () => {
    if (count === 0) return;
    const g = outputGrad(out)[0]! / count;
    const gp = gradBuffer(pred);
    for (let i = 0; i < gp.length; i++) gp[i]! += g * slopes[i]!;
  });
  return out;
}

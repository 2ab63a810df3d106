import { boolOption, rangeOption, rejectUnknownOptions } from '../../options.js';
import type { JsonValue } from '../json.js';
import type { ParamList } from '../params.js';
import { BaseOptimizer, type Slot } from './optimizer.js';

export interface RmspropOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Normalise by the estimated variance instead of the raw second moment. Default false. */
  centered?: boolean;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

/** RMSprop's hyper-parameters, as resolved from RmspropOptions. */
export type RmspropHyper = { alpha: number; eps: number; momentum: number; centered: boolean; weightDecay: number };

const KNOWN = ['lr', 'alpha', 'eps', 'momentum', 'centered', 'weightDecay'] as const;

function parse(raw: { [key: string]: JsonValue | undefined }): RmspropHyper {
  return {
    alpha: rangeOption('rmsprop', 'alpha', raw.alpha ?? 0.99, 0, 1, true),
    eps: rangeOption('rmsprop', 'eps', raw.eps ?? 1e-8, 0, Infinity),
    momentum: rangeOption('rmsprop', 'momentum', raw.momentum ?? 0, 0, Infinity),
    centered: boolOption('rmsprop', 'centered', raw.centered, false),
    weightDecay: rangeOption('rmsprop', 'weightDecay', raw.weightDecay ?? 0, 0, Infinity),
  };
}

/**
 * RMSprop, as torch.optim.RMSprop: `g += weightDecay·p`; `s = α·s + (1−α)·g²`;
 * centered: `ḡ = α·ḡ + (1−α)·g`, `d = √(s − ḡ²) + eps`, else `d = √s + eps`;
 * with momentum `b = momentum·b + g/d`, `p −= lr·b`, else `p −= lr·g/d`.
 *
 * One deliberate difference: in the centered form, rounding can make `s − ḡ²` a tiny negative
 * number (a near-constant gradient over many steps); PyTorch then takes √ of it and writes NaN
 * into the weights, here it is clamped at 0.
 *
 * @example
 * const opt = rmsprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 */
export function rmsprop(params: ParamList, options: RmspropOptions = {}): Rmsprop {
  rejectUnknownOptions('rmsprop', options, KNOWN);
  const { lr, ...rest } = options;
  return new Rmsprop(params, lr ?? 1e-2, parse(rest));
}

export class Rmsprop extends BaseOptimizer<RmspropHyper> {
  constructor(params: ParamList, lr: number, hyper: RmspropHyper) {
    super('rmsprop', params, lr, hyper);
  }

  protected override update(slot: Slot, grad: Float32Array): void {
    const { alpha, eps, momentum, centered, weightDecay } = this.options;
    const lr = this.lr;
    const p = slot.param.data;
    const sq = this.buffer(slot, 'square_avg');
    const mean = centered ? this.buffer(slot, 'grad_avg') : null;
    const buf = momentum > 0 ? this.buffer(slot, 'momentum_buffer') : null;
    for (let i = 0; i < p.length; i++) {
      const g = Math.fround(grad[i]! + weightDecay * p[i]!);
      sq[i] = alpha * sq[i]! + (1 - alpha) * g * g;
      let variance = sq[i]!;
      if (mean) {
        mean[i] = mean[i]! + (1 - alpha) * (g - mean[i]!);
        variance = Math.max(0, variance - mean[i]! * mean[i]!);
      }
      const denom = Math.sqrt(variance) + eps;
      if (buf) {
        buf[i] = momentum * buf[i]! + g / denom;
        p[i] = p[i]! - lr * buf[i]!;
      } else {
        p[i] = p[i]! - (lr * g) / denom;
      }
    }
  }

  protected override bufferNames(): readonly string[] {
    const names = ['square_avg'];
    if (this.options.momentum > 0) names.push('momentum_buffer');
    if (this.options.centered) names.push('grad_avg');
    return names;
  }

  protected override parseOptions(raw: { [key: string]: JsonValue }): RmspropHyper {
    rejectUnknownOptions('rmsprop state', raw, KNOWN);
    return parse(raw);
  }
}

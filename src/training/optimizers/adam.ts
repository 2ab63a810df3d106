import { OptionError } from '../../errors.js';
import { adamStep } from '../../kernels/entry.js';
import { boolOption, rangeOption, rejectUnknownOptions } from '../../options.js';
import type { JsonValue } from '../json.js';
import type { ParamList } from '../params.js';
import { BaseOptimizer, type Slot } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Decay rates of the first and second moment averages. Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad?: boolean;
}

/** Adam's and AdamW's hyper-parameters, as resolved from AdamOptions. */
export type AdamHyper = { betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean; decoupled: boolean };

const KNOWN = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] as const;

function parse(kind: string, raw: { [key: string]: JsonValue | undefined }, weightDecay: number): AdamHyper {
  const betas = raw.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new OptionError(`${kind}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
  }
  return {
    betas: [rangeOption(kind, 'betas[0]', betas[0], 0, 1), rangeOption(kind, 'betas[1]', betas[1], 0, 1)],
    eps: rangeOption(kind, 'eps', raw.eps ?? 1e-8, 0, Infinity),
    weightDecay: rangeOption(kind, 'weightDecay', raw.weightDecay ?? weightDecay, 0, Infinity),
    amsgrad: boolOption(kind, 'amsgrad', raw.amsgrad, false),
    decoupled: kind === 'adamW',
  };
}

/**
 * Adam, as torch.optim.Adam: `g += weightDecay·p`; `m = β1·m + (1−β1)·g`;
 * `v = β2·v + (1−β2)·g²`; `v̂ = max(v̂, v)` with amsgrad; then
 * `p −= lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + eps)`.
 *
 * @example
 * const opt = adam(model.namedParameters(), { lr: 2e-3 });
 * loss.backward();
 * opt.step();
 * opt.zeroGrad();
 */
export function adam(params: ParamList, options: AdamOptions = {}): Adam {
  rejectUnknownOptions('adam', options, KNOWN);
  const { lr, ...rest } = options;
  return new Adam('adam', params, lr ?? 1e-3, parse('adam', { ...rest, betas: rest.betas && [...rest.betas] }, 0));
}

/**
 * AdamW, as torch.optim.AdamW: Adam whose weight decay is decoupled from the gradient,
 * `p = p·(1 − lr·weightDecay)` before the Adam step. Default weightDecay 1e-2.
 *
 * @example
 * const opt = adamW(model.parameters(), { lr: 1e-3, weightDecay: 0.1 });
 */
export function adamW(params: ParamList, options: AdamOptions = {}): Adam {
  rejectUnknownOptions('adamW', options, KNOWN);
  const { lr, ...rest } = options;
  return new Adam('adamW', params, lr ?? 1e-3, parse('adamW', { ...rest, betas: rest.betas && [...rest.betas] }, 1e-2));
}

export class Adam extends BaseOptimizer<AdamHyper> {
  protected override update(slot: Slot, grad: Float32Array): void {
    const { betas, eps, weightDecay, amsgrad, decoupled } = this.options;
    const [b1, b2] = betas;
    const lr = this.lr;
    const p = slot.param.data;
    const m = this.buffer(slot, 'exp_avg');
    const v = this.buffer(slot, 'exp_avg_sq');
    const vMax = amsgrad ? this.buffer(slot, 'max_exp_avg_sq') : null;
    const t = slot.step;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    const decay = decoupled ? 1 - lr * weightDecay : 1;
    const l2 = decoupled ? 0 : weightDecay;
    const n = p.length;
    if (l2 === 0 && !vMax) {
      // Plain Adam, the common case, and AdamW after its decay: one kernel of the backend
      // (SIMD on the WASM one).
      if (decay !== 1) for (let i = 0; i < n; i++) p[i] = p[i]! * decay;
      adamStep(p, grad, m, v, { beta1: b1, beta2: b2, eps, stepSize, bc2Sqrt });
      return;
    }
    for (let i = 0; i < n; i++) {
      if (decoupled) p[i] = p[i]! * decay;
      const g = Math.fround(grad[i]! + l2 * p[i]!);
      m[i] = m[i]! + (1 - b1) * (g - m[i]!); // torch uses lerp_: the same average, one rounding
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      let second = v[i]!;
      if (vMax) second = vMax[i] = Math.max(vMax[i]!, second);
      p[i] = p[i]! - (stepSize * m[i]!) / (Math.sqrt(second) / bc2Sqrt + eps);
    }
  }

  protected override bufferNames(): readonly string[] {
    return this.options.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
  }

  protected override parseOptions(raw: { [key: string]: JsonValue }): AdamHyper {
    const { decoupled, ...rest } = raw;
    rejectUnknownOptions(`${this.kind} state`, rest, KNOWN);
    if (decoupled !== (this.kind === 'adamW')) {
      throw new OptionError(`${this.kind} state: decoupled must be ${this.kind === 'adamW'}, got ${String(decoupled)}`);
    }
    return parse(this.kind, rest, this.kind === 'adamW' ? 1e-2 : 0);
  }
}

import { OptionError } from '../../errors.js';
import { boolOption, rangeOption, rejectUnknownOptions } from '../../options.js';
import type { JsonValue } from '../json.js';
import type { ParamList } from '../params.js';
import { BaseOptimizer, type Slot } from './optimizer.js';

export interface SgdOptions {
  /** Learning rate. Default 1e-3 (torch.optim.SGD's default since PyTorch 2.2). */
  lr?: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Dampening for momentum. Default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

/** SGD's hyper-parameters, as resolved from SgdOptions. */
export type SgdHyper = { momentum: number; dampening: number; nesterov: boolean; weightDecay: number };

const KNOWN = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'] as const;

function parse(raw: { [key: string]: JsonValue | undefined }): SgdHyper {
  const h: SgdHyper = {
    momentum: rangeOption('sgd', 'momentum', raw.momentum ?? 0, 0, Infinity),
    dampening: rangeOption('sgd', 'dampening', raw.dampening ?? 0, 0, 1, true),
    nesterov: boolOption('sgd', 'nesterov', raw.nesterov, false),
    weightDecay: rangeOption('sgd', 'weightDecay', raw.weightDecay ?? 0, 0, Infinity),
  };
  if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
    throw new OptionError(
      `sgd: nesterov needs momentum > 0 and dampening 0, got momentum ${h.momentum} and dampening ${h.dampening}`,
    );
  }
  return h;
}

/**
 * Stochastic gradient descent, as torch.optim.SGD:
 * `d = g + weightDecay·p`; with momentum `b = momentum·b + (1 − dampening)·d` (b = d at the
 * first step), then `d = d + momentum·b` (Nesterov) or `d = b`; finally `p = p − lr·d`.
 *
 * @example
 * const opt = sgd(model.namedParameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * loss.backward();
 * opt.step();
 * opt.zeroGrad();
 */
export function sgd(params: ParamList, options: SgdOptions = {}): Sgd {
  rejectUnknownOptions('sgd', options, KNOWN);
  const { lr, ...rest } = options;
  return new Sgd(params, lr ?? 1e-3, parse(rest));
}

export class Sgd extends BaseOptimizer<SgdHyper> {
  constructor(params: ParamList, lr: number, hyper: SgdHyper) {
    super('sgd', params, lr, hyper);
  }

  protected override update(slot: Slot, grad: Float32Array): void {
    const { momentum, dampening, nesterov, weightDecay } = this.options;
    const p = slot.param.data;
    const lr = this.lr;
    const n = p.length;
    // d = g + wd·p is a float32 tensor in PyTorch, so round it before it feeds the buffer.
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = grad[i]! + weightDecay * p[i]!;
    if (momentum !== 0) {
      let buf = slot.buffers.get('momentum_buffer');
      if (!buf) {
        buf = d.slice(); // PyTorch starts the buffer at d, not at zero: no dampening on step 1
        slot.buffers.set('momentum_buffer', buf);
      } else {
        for (let i = 0; i < n; i++) buf[i] = momentum * buf[i]! + (1 - dampening) * d[i]!;
      }
      if (nesterov) for (let i = 0; i < n; i++) d[i] = d[i]! + momentum * buf[i]!;
      else d.set(buf);
    }
    for (let i = 0; i < n; i++) p[i] = p[i]! - lr * d[i]!;
  }

  protected override bufferNames(): readonly string[] {
    return this.options.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  protected override parseOptions(raw: { [key: string]: JsonValue }): SgdHyper {
    rejectUnknownOptions('sgd state', raw, KNOWN);
    return parse(raw);
  }
}

import { OptionError } from '../errors.js';
import type { ParamList } from './params.js';
import { adam, adamW } from './optimizers/adam.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { rmsprop } from './optimizers/rmsprop.js';
import { sgd } from './optimizers/sgd.js';

export type OptimizerKind = 'adam' | 'adamw' | 'sgd' | 'rmsprop';
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['adam', 'adamw', 'sgd', 'rmsprop'];

/** An optimiser by name, as the CLI and checkpoints name them. */
/** `weightDecay` undefined: 0, or 1e-2 for AdamW (PyTorch's defaults). */
export function makeOptimizer(kind: OptimizerKind, params: ParamList, lr: number, weightDecay?: number): Optimizer {
  switch (kind) {
    case 'adam':
      return adam(params, { lr, weightDecay: weightDecay ?? 0 });
    case 'adamw':
      return adamW(params, { lr, weightDecay: weightDecay ?? 1e-2 });
    case 'sgd':
      return sgd(params, { lr, momentum: 0.9, nesterov: true, weightDecay: weightDecay ?? 0 });
    case 'rmsprop':
      return rmsprop(params, { lr, weightDecay: weightDecay ?? 0 });
    default:
      throw new OptionError(`unknown optimiser '${String(kind)}'; use one of ${OPTIMIZER_KINDS.join(', ')}`);
  }
}

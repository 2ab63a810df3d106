// Clearing gradients between steps, with PyTorch 1.13's semantics (Module.zeroGrad and the
// optimisers' zeroGrad share it).
import { boolOption, rejectUnknownOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ZeroGradOptions {
  /**
   * Drop the gradient arrays (`.grad = null`) instead of zeroing them, as PyTorch's
   * `zero_grad(set_to_none=True)`: frees their memory, and an optimiser skips a parameter
   * whose gradient stays null. Default false: zeroed in place, so that backward adds into the
   * same arrays and a training step allocates no gradient arrays.
   */
  setToNone?: boolean;
}

/**
 * Zeroes each tensor's `.grad` in place (the array object is kept), or sets it to null with
 * `setToNone`. Tensors without a gradient are left as they are.
 *
 * @example
 * zeroGrads(layer.parameters());                       // every .grad filled with 0
 * zeroGrads(layer.parameters(), { setToNone: true }); // every .grad null
 */
export function zeroGrads(tensors: Iterable<Tensor>, options: ZeroGradOptions = {}, what = 'zeroGrad'): void {
  rejectUnknownOptions(what, options, ['setToNone']);
  const toNone = boolOption(what, 'setToNone', options.setToNone, false);
  for (const t of tensors) {
    if (toNone) t.grad = null;
    else t.grad?.fill(0);
  }
}

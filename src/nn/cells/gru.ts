import { RecurrentCell, type CellOptions } from './cell.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * One GRU step, as torch.nn.GRUCell (gates r, z, n; the reset gate scales W_hn h + b_hn):
 *   h' = (1 - z) * n + z * h
 *
 * @example
 * const cell = gruCell({ inputSize: 3, hiddenSize: 4, seed: 1 });
 * const { h } = cell.forward(x);
 */
export function gruCell(options: CellOptions): RecurrentCell<{ h: Tensor }> {
  return new RecurrentCell<{ h: Tensor }>('gru', 'gruCell', options);
}

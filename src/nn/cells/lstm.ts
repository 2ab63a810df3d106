import { RecurrentCell, type CellOptions } from './cell.js';
import type { Tensor } from '../../tensor/tensor.js';

/** LSTM cell state. */
export interface LstmCellState {
  h: Tensor;
  c: Tensor;
}

/**
 * One LSTM step, as torch.nn.LSTMCell (gates i, f, g, o):
 *   c' = f * c + i * g,  h' = o * tanh(c')
 *
 * @example
 * const cell = lstmCell({ inputSize: 3, hiddenSize: 4, seed: 1 });
 * const { h, c } = cell.forward(x);   // x: [batch, 3]; h, c: [batch, 4]
 */
export function lstmCell(options: CellOptions): RecurrentCell<LstmCellState> {
  return new RecurrentCell<LstmCellState>('lstm', 'lstmCell', options);
}

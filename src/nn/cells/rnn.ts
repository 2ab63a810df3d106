import { choiceOption } from '../../options.js';
import { RecurrentCell, type CellOptions } from './cell.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface RnnCellOptions extends CellOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * One Elman RNN step, as torch.nn.RNNCell: h' = act(W_ih x + b_ih + W_hh h + b_hh).
 *
 * @example
 * const cell = rnnCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' });
 */
export function rnnCell(options: RnnCellOptions): RecurrentCell<{ h: Tensor }> {
  const act = choiceOption('rnnCell', 'nonlinearity', options.nonlinearity, ['tanh', 'relu'] as const, 'tanh');
  return new RecurrentCell<{ h: Tensor }>(act === 'relu' ? 'rnn_relu' : 'rnn_tanh', 'rnnCell', options, ['nonlinearity']);
}

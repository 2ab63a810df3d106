import { Command } from 'commander';
import { registerParity } from './parity.js';

/** Builds the `recur` program; each command lives in its own file. */
export function buildProgram(): Command {
  const program = new Command('recur')
    .description('Recurrent neural networks (RNN, LSTM, GRU): train, sample, forecast, check against PyTorch')
    .showHelpAfterError('(add --help for usage)');
  registerParity(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}

import { Command } from 'commander';
import { registerParity } from './parity.js';
import { registerTrain } from './train.js';
import { registerSample } from './sample.js';
import { registerEval } from './eval.js';
import { registerForecast } from './forecast.js';
import { registerPredict } from './predict.js';
import { registerInfo } from './info.js';

/** Builds the `recur` program; each command lives in its own file. */
export function buildProgram(): Command {
  const program = new Command('recur')
    .description('Recurrent neural networks (RNN, LSTM, GRU): train, sample, forecast, check against PyTorch')
    .showHelpAfterError('(add --help for usage)');
  registerTrain(program);
  registerSample(program);
  registerForecast(program);
  registerPredict(program);
  registerEval(program);
  registerInfo(program);
  registerParity(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}

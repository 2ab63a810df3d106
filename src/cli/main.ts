import { Command, CommanderError } from 'commander';
import { RecurError } from '../errors.js';
import { recurVersion } from '../io/package-version.js';
import { registerDetect } from './detect.js';
import { registerEval } from './eval.js';
import { registerExport } from './export.js';
import { registerForecast } from './forecast.js';
import { registerInfo } from './info.js';
import { registerParity } from './parity.js';
import { registerParseLogs } from './parse-logs.js';
import { registerPredict } from './predict.js';
import { registerSample } from './sample.js';
import { registerTrain } from './train.js';
import { registerViz } from './viz.js';

/** Builds the `recur` program; each command lives in its own file. */
export function buildProgram(): Command {
  const program = new Command('recur')
    .description('Recurrent neural networks (RNN, LSTM, GRU): train, sample, forecast, check against PyTorch')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerTrain(program);
  registerSample(program);
  registerForecast(program);
  registerPredict(program);
  registerEval(program);
  registerInfo(program);
  registerParity(program);
  registerExport(program);
  registerViz(program);
  registerParseLogs(program);
  registerDetect(program);
  // --version on the program and on every command (`recur train --version` too).
  program.version(recurVersion(), '-V, --version', 'print the version of recur');
  for (const c of program.commands) c.exitOverride().version(recurVersion(), '-V, --version', 'print the version of recur');
  return program;
}

/**
 * Runs the CLI and returns the exit status: recur's own errors print their message alone
 * (they say what is wrong and what to do); anything else is a bug and prints its stack.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof RecurError) {
      console.error(`recur: ${err.message}`);
      return 1;
    }
    console.error(err);
    return 2;
  }
}

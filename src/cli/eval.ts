import type { Command } from 'commander';
import { buildTask } from '../tasks/build.js';
import { loadModel, readData } from '../checkpoint/session.js';
import { printReport } from './report.js';
import { IoError } from '../errors.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("print a checkpoint's metrics on the held-out test part (or on another file) beside the baselines")
    .argument('<dir>', 'checkpoint directory')
    .option('--data <file>', 'evaluate on this file instead (split as in training: its test part is scored)')
    .option('--json', 'print the metrics as one JSON object')
    .action(async (dir: string, o: { data?: string; json?: boolean }) => {
      // The model first: loadModel checks config.json against the weights before building anything.
      const { config, loaded } = await loadModel(dir);
      const path = o.data ?? config.data.path;
      let bytes: Uint8Array;
      try {
        bytes = readData(path);
      } catch (e) {
        throw new IoError(`${(e as Error).message}; cannot read the data file${o.data ? '' : ' the checkpoint was trained on; pass --data <file>'}`);
      }
      // Encode with what training saved (vocabulary, scalers, labels), whatever the file.
      const task = buildTask(config.spec, bytes, path, config.saved);
      task.model.loadStateDict(loaded.model.stateDict());
      const metrics = task.evaluate();
      if (o.json) console.log(JSON.stringify(metrics));
      else printReport(config.spec.kind, metrics);
    });
}

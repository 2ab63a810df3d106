import type { Command } from 'commander';
import { evaluateCheckpoint } from '../checkpoint/evaluate.js';
import { printReport } from './report.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("print a checkpoint's metrics on the held-out test part (or on another file) beside the baselines")
    .argument('<dir>', 'checkpoint directory')
    .option('--data <file>', 'evaluate on this file instead (split as in training: its test part is scored)')
    .option('--json', 'print the metrics as one JSON object')
    .action(async (dir: string, o: { data?: string; json?: boolean }) => {
      const { config, metrics } = await evaluateCheckpoint(dir, o.data);
      if (o.json) console.log(JSON.stringify(metrics));
      else printReport(config.spec.kind, metrics);
    });
}

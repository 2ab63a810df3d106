import type { Command } from 'commander';
import { OptionError } from '../errors.js';
import { Rng } from '../tensor/random.js';
import { parseNonNegativeInt, parseNumberIn, parsePositiveInt } from './parse.js';
import { loadModel } from '../checkpoint/session.js';

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('generate text from a character language model checkpoint')
    .argument('<dir>', 'checkpoint directory from recur train --task charlm')
    .option('--length <n>', 'characters to generate', parsePositiveInt, 500)
    .option('--temperature <t>', 'softmax temperature (0 = always the most likely)', parseNumberIn(0, 10), 0.8)
    .option('--top-k <k>', 'sample among the k most likely characters only (0 = all)', parseNonNegativeInt, 0)
    .option('--prime <text>', 'text to start from', 'The ')
    .option('--seed <n>', 'random seed', parseNonNegativeInt, 0)
    .action(async (dir: string, o: { length: number; temperature: number; topK: number; prime: string; seed: number }) => {
      const { loaded } = await loadModel(dir);
      if (loaded.kind !== 'charlm') throw new OptionError(`${dir} holds a ${loaded.kind} model; sample needs a charlm checkpoint`);
      const prime = loaded.vocab.encode(o.prime);
      const ids = loaded.model.sample({ length: o.length, temperature: o.temperature, topK: o.topK, prime, rng: new Rng(o.seed) });
      process.stdout.write(o.prime + loaded.vocab.decode(ids) + '\n');
    });
}

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../../src/cli/main.js';
import { makeFixtures } from './fixtures.js';
import type { FuzzTarget } from './harness.js';
import { HOSTILE_NUMBERS, HOSTILE_STRINGS } from './mutate.js';
import type { Prng } from './rng.js';

/** Caps appended to every `train` and `sample` so that a case stays short (later values win in commander). */
const TRAIN_CAP = ['--steps', '2', '--hidden', '4', '--layers', '1', '--batch', '2', '--seq-len', '6', '--embedding', '3', '--quiet', '--json'];

/**
 * CLI arguments: a valid command line, then values replaced by hostile ones, options dropped,
 * duplicated, misspelt or given without values, and arguments pointing at the wrong files.
 */
export const cliTarget: FuzzTarget<string[]> = {
  name: 'cli',
  async setup() {
    const fx = await makeFixtures();
    const out = join(fx.root, 'out');
    const junk = join(fx.root, 'junk.bin');
    writeFileSync(junk, Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 255));
    const scratch = join(fx.root, 'cwd');
    const emptyDir = join(fx.root, 'empty');
    mkdirSync(emptyDir);
    const ck = fx.checkpoints;
    const templates: string[][] = [
      ['train', fx.text, '--out', out, '--model', 'gru', '--lr', '0.01', '--eval-every', '1', '--dropout', '0.1', '--clip', '1'],
      ['train', fx.csv, '--task', 'forecast', '--out', out, '--column', 'sales', '--features', 'temp', '--window', '4', '--horizon', '2', '--missing', 'interpolate'],
      ['train', fx.jsonl, '--task', 'classify', '--out', out, '--tokens', 'word', '--input-field', 'text', '--label-field', 'label', '--bidirectional'],
      ['train', '--resume', '--out', ck.charlm, '--steps', '3'],
      ['sample', ck.charlm, '--length', '20', '--temperature', '0.5', '--top-k', '3', '--prime', 'the ', '--seed', '1'],
      ['forecast', ck.forecast, fx.csv, '--horizon', '3', '--out', join(fx.root, 'f.csv'), '--plot', join(fx.root, 'f.svg')],
      ['predict', ck.classify, 'a good film', '--json'],
      ['predict', ck.classify, fx.jsonl, '--field', 'text'],
      ['eval', ck.forecast, '--json'],
      ['eval', ck.classify, '--data', fx.jsonl],
      ['info', ck.charlm, '--json'],
      ['info', join(ck.charlm, 'model.safetensors')],
      ['export', ck.classify, '--onnx', join(fx.root, 'm.onnx'), '--softmax', '--opset', '14', '--safetensors', join(fx.root, 'm.st'), '--prefix', 'model.'],
      ['parity', join(fx.root, 'nothing.json'), '--forward-tol', '1e-5'],
      ['--help'],
      [],
    ];
    const paths = [fx.text, fx.csv, fx.jsonl, junk, emptyDir, fx.root, join(fx.root, 'missing'), join(fx.root, 'no', 'such', 'dir', 'x'), join(junk, 'x'), ck.charlm, ck.forecast, ck.classify, '/dev/null', '/dev/zero', '/proc/version', '-', '']
    const sink = () => true;
    return {
      generate(rng: Prng): string[] {
        const args = rng.pick(templates).slice();
        for (let m = rng.int(1, 4); m > 0; m--) {
          const k = rng.chance(0.9) ? rng.int(Math.min(1, args.length - 1), Math.max(0, args.length - 1)) : 0;
          switch (rng.int(0, 6)) {
            case 0: args[k] = String(rng.pick(HOSTILE_NUMBERS)); break;
            case 1: args[k] = rng.pick(HOSTILE_STRINGS); break;
            case 2: args.splice(k, 1); break;
            case 3: args.splice(k, 0, args[k] ?? '--x'); break;
            case 4: args[k] = rng.pick(paths); break;
            case 5: args.splice(k, 0, rng.pick(['--unknown', '-x', '--', '--json', '--resume', '--task', '--model', '--lr', '--help', '--version'])); break;
            default: if (args[k]?.startsWith('--')) args[k] = args[k]!.slice(0, rng.int(2, args[k]!.length)); break;
          }
        }
        // Without a data file, train reads the bundled 1.2 MB novel: valid, and slower than a case should be.
        if (args[0] === 'train' && !args.includes('--resume') && (args[1] === undefined || args[1].startsWith('-'))) args.splice(1, 0, fx.text);
        if (args[0] === 'train') args.push(...TRAIN_CAP);
        if (args[0] === 'sample') args.push('--length', '20');
        return args;
      },
      async run(args: string[]) {
        rmSync(out, { recursive: true, force: true });
        rmSync(scratch, { recursive: true, force: true });
        mkdirSync(scratch);
        const program = buildProgram();
        program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
        for (const c of program.commands) c.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
        const { log, error, warn } = console;
        const write = process.stdout.write;
        console.log = console.error = console.warn = () => undefined;
        // Relative paths (hostile --out values, the default runs/) land in the scratch folder, never in the repo.
        const cwd = process.cwd();
        process.chdir(scratch);
        // Under `node --test` stdout carries the test reports: leave it alone (only `sample` writes there directly).
        if (process.env.NODE_TEST_CONTEXT === undefined) process.stdout.write = sink as typeof process.stdout.write;
        try {
          await program.parseAsync(['node', 'recur', ...args]);
        } finally {
          process.chdir(cwd);
          console.log = log;
          console.error = error;
          console.warn = warn;
          process.stdout.write = write;
          process.exitCode = undefined;
        }
      },
      size: (args: string[]) => (1 << 20) + args.reduce((n, a) => n + a.length, 0),
    };
  },
};

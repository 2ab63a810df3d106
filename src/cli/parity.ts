import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { IoError, OptionError } from '../errors.js';
import { parseReferenceCase, runReferenceCase } from '../io/pytorch-reference.js';
import { parseNumberIn } from './parse.js';

/** The case files a path names: the file itself, or every *.json in a folder (sorted). */
export function caseFiles(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new IoError(`${path}: no such case file or folder`);
  }
  if (isDir) {
    return readdirSync(path)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(path, f));
  }
  return [path];
}

/** The PyTorch 1.13 cases that ship with recur (test/fixtures/pytorch, also in the npm package). */
export const BUILTIN_CASES = fileURLToPath(new URL('../../test/fixtures/pytorch/', import.meta.url));

export function registerParity(program: Command): void {
  program
    .command('parity')
    .description('check recur against PyTorch reference cases (forward values and gradients)')
    .argument('[path]', 'a case file, or a folder: every *.json in it is checked')
    .option('--builtin', 'check the PyTorch cases bundled with recur instead of a path')
    .option('--forward-tol <x>', 'largest absolute error allowed on outputs and states', parseNumberIn(0, 1e6), 1e-5)
    .option('--grad-tol <x>', 'largest absolute error allowed on gradients', parseNumberIn(0, 1e6), 1e-4)
    .action((given: string | undefined, opts: { forwardTol: number; gradTol: number; builtin?: boolean }) => {
      if ((given === undefined) === (opts.builtin !== true)) {
        throw new OptionError('parity: give a case file or folder, or --builtin for the bundled PyTorch cases (not both)');
      }
      const path = given ?? BUILTIN_CASES;
      const files = caseFiles(path);
      let passed = 0;
      let failed = 0;
      for (const file of files) {
        try {
          const c = parseReferenceCase(JSON.parse(readFileSync(file, 'utf8')), file);
          const r = runReferenceCase(c, { forward: opts.forwardTol, grad: opts.gradTol });
          const worst = r.comparisons.filter((x) => !(x.error <= x.tolerance));
          const detail = worst.map((x) => `${x.what} ${x.problem ?? x.error.toExponential(2)}`).join(', ');
          console.log(
            `${r.passed ? 'ok  ' : 'FAIL'} ${r.name}  forward ${r.forwardError.toExponential(2)}  grad ${r.gradError.toExponential(2)}${detail ? `  (${detail})` : ''}`,
          );
          if (r.passed) passed++;
          else failed++;
        } catch (err) {
          failed++;
          console.log(`FAIL ${file}  ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (files.length === 0) console.log(`no *.json case files in ${path}`);
      console.log(`${passed} passed, ${failed} failed`);
      if (failed > 0 || files.length === 0) process.exitCode = 1;
    });
}

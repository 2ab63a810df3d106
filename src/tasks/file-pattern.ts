import { OptionError } from '../errors.js';

// File-name patterns (--label-pattern, --group-pattern, --test-pattern, --speaker-norm), checked
// once for every use: no file I/O, so the browser's readers share it.

/**
 * Compiles a pattern given on the command line, or an OptionError naming the flag; with
 * `capture`, the pattern must have a capture group (its first group is what is read).
 *
 * @example
 * compilePattern('^\\d_([a-z]+)_', '--group-pattern', true).exec('3_theo_7.wav')![1]; // 'theo'
 */
export function compilePattern(pattern: string, flag: string, capture: boolean): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch (e) {
    throw new OptionError(`${flag} '${pattern}' is not a valid regular expression (${(e as Error).message})`);
  }
  if (capture && new RegExp(`${pattern}|`, 'u').exec('')!.length < 2) {
    throw new OptionError(`${flag} '${pattern}' has no capture group; put the part to use in parentheses, e.g. '^(\\d)_'`);
  }
  return re;
}

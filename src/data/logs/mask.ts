import { OptionError } from '../../errors.js';

/**
 * Masking of variable tokens before template parsing, as in Drain's preprocessing: each mask's
 * matches become `<*>`, in order. A mask is a regex source with the 'g' flag added (and 'u' for
 * Unicode classes); finally masks joined only by punctuation (`<*>:<*>`) become one `<*>`.
 */
export interface Mask {
  /** What it masks, for docs and error messages. */
  name: string;
  /** The regex source. */
  pattern: string;
}

/** A compiled mask list. */
export interface Masker {
  readonly masks: readonly Mask[];
  /** The message with every match of every mask replaced by `<*>`. */
  apply(message: string): string;
}

/**
 * The default masks, one setting for every system: dates, sizes and durations first (they span
 * several tokens: `1190 bytes (1.16 KB)` is one value), then host:port, then any run between
 * delimiters (space = : , ; brackets quotes |) that holds a digit: ids, IPs, paths with numbers,
 * `blk_-160`, `node-246`. Words ending in one or two digits (SOCKS5, utf8) are kept as words.
 */
export const DEFAULT_MASKS: readonly Mask[] = [
  { name: 'date and time', pattern: String.raw`\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{1,2},?\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s+\d{4})?\b` },
  { name: 'size with unit', pattern: String.raw`(?<![\w.])\d+(?:\.\d+)?\s?(?:[KMGT]i?B|bytes?|B)(?:\s\(\d+(?:\.\d+)?\s?[KMGT]i?B\))?(?!\w)` },
  { name: 'duration', pattern: String.raw`(?<![\w.])<?\d+(?:\.\d+)?\s?(?:ms|sec|secs|seconds?|mins?|minutes?|hours?)(?!\w)` },
  { name: 'host and port', pattern: String.raw`(?<![\w.-])(?:[\w-]+\.)+[\w-]+:\d{1,5}(?!\w)` },
  // A run between delimiters that holds a digit, unless it is a word with one or two digits at its end (SOCKS5, utf8).
  { name: 'value with a digit', pattern: String.raw`(?<![^\s=:,;()\[\]{}<>"'|])(?![A-Za-z]+\d{1,2}(?![^\s=:,;()\[\]{}<>"'|]))[^\s=:,;()\[\]{}<>"'|]*\d[^\s=:,;()\[\]{}<>"'|]*` },
];

const JOINED = /<\*>(?:[,:./_@#-]*<\*>)+/g;

/**
 * Compiles masks (default: DEFAULT_MASKS).
 *
 * @example
 * makeMasker().apply('Received block blk_-160 of size 91 from /10.250.1.2:50010') // 'Received block <*> of size <*> from <*>'
 */
export function makeMasker(masks: readonly Mask[] = DEFAULT_MASKS): Masker {
  const compiled = masks.map((m) => {
    try {
      const re = new RegExp(m.pattern, 'gu');
      if (re.test('')) throw new OptionError(`mask ${m.name} (${m.pattern}) matches the empty string; it would insert <*> everywhere`);
      return re;
    } catch (e) {
      if (e instanceof OptionError) throw e;
      throw new OptionError(`mask ${m.name}: ${JSON.stringify(m.pattern)} is not a valid regular expression (${(e as Error).message})`);
    }
  });
  return {
    masks,
    apply(message: string): string {
      let s = message;
      for (const re of compiled) s = s.replace(re, '<*>');
      // Masks joined by punctuation are one value: 10.1.1.1,10.1.1.2 or 2016/9/28:16:00:46.635.
      return s.replace(JOINED, '<*>');
    },
  };
}

import { FormatError, OptionError } from '../../errors.js';

/** Limits on raw log text (hostile input: binary files, megabyte lines). */
export interface LineLimits {
  /** Longest line kept, in characters (default 16,384). */
  maxLineLength?: number;
  /** A longer line: cut to `maxLineLength` (default) or refused. */
  longLines?: 'truncate' | 'error';
}

/** Lines of a log with their 1-based line numbers; blank lines are dropped. */
export interface LogLines {
  lines: string[];
  lineNumbers: number[];
  /** How many lines were cut to `maxLineLength`. */
  truncated: number;
}

export const MAX_LINE_LENGTH = 16_384;

/**
 * Decodes log bytes as UTF-8, refusing binary data (NUL bytes) and invalid UTF-8 with a message
 * naming the byte offset. `source` names the file in messages.
 *
 * @example
 * decodeLog(new TextEncoder().encode('a\nb\n'), 'x.log') // 'a\nb\n'
 */
export function decodeLog(bytes: Uint8Array, source: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new FormatError(`${source}: looks binary (a NUL byte at offset ${nul}); give a text log file (decompress .gz files first)`);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.startsWith('\ufeff') ? text.slice(1) : text;
  } catch {
    throw new FormatError(`${source}: is not valid UTF-8 text; convert it first (e.g. iconv -f latin1 -t utf-8)`);
  }
}

/**
 * Splits log text into non-blank lines (\n, \r\n or \r), cutting or refusing lines longer than
 * `maxLineLength`; a cut line keeps its start, where the header and the message's key words are.
 *
 * @example
 * splitLogLines('a\n\nbb\n', { maxLineLength: 1 }) // { lines: ['a', 'b'], lineNumbers: [1, 3], truncated: 1 }
 */
export function splitLogLines(text: string, limits: LineLimits = {}, source = 'log'): LogLines {
  const max = limits.maxLineLength ?? MAX_LINE_LENGTH;
  if (!Number.isInteger(max) || max < 1) throw new OptionError(`maxLineLength must be a positive integer, got ${max}`);
  const out: LogLines = { lines: [], lineNumbers: [], truncated: 0 };
  let start = 0;
  let n = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    n++;
    // A lone \r also ends a line (old Mac files): split it further.
    for (const part of line.includes('\r') ? line.split(/\r\n?/).filter((p, i, a) => i < a.length - 1 || p !== '') : [line]) {
      line = part;
      if (line.length > max) {
        if (limits.longLines === 'error') throw new FormatError(`${source}: line ${n} has ${line.length} characters, over the limit of ${max}; raise --max-line-length or split the line`);
        line = line.slice(0, max);
        out.truncated++;
      }
      if (line.trim() !== '') {
        out.lines.push(line);
        out.lineNumbers.push(n);
      }
    }
    start = end + 1;
  }
  return out;
}

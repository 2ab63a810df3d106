import { FormatError } from '../../errors.js';
import { detectFormat } from './detect-format.js';
import { DrainParser, type DrainOptions } from './drain.js';
import { compileFormat, matchHeader, type LogFormat } from './format.js';
import { makeMasker, type Mask } from './mask.js';

/** One parsed line. */
export interface ParsedLine {
  /** 1-based line number in the source. */
  lineId: number;
  /** Header fields and Content, as named by the format. */
  fields: Record<string, string>;
  eventId: string;
}

/** A parsed log: lines, final templates by event id, and what was skipped. */
export interface ParsedLog {
  format: LogFormat;
  /** 'given', or the detected system name ('HDFS', 'generic', 'none'). */
  formatName: string;
  lines: ParsedLine[];
  templates: Map<string, string>;
  /** Line numbers that did not fit the format (kept out, as loghub's parser does). */
  unmatched: number[];
}

export interface ParseLogOptions {
  /** A format string or compiled format; detected from the lines when absent. */
  format?: string | LogFormat;
  masks?: readonly Mask[];
  drain?: DrainOptions;
}

/**
 * Header format, masking and Drain over a list of lines.
 *
 * @example
 * const log = parseLogLines(['081109 203615 148 INFO dfs.DataNode: Receiving block blk_1 src: /10.0.0.1:5 dest: /10.0.0.2:5'], [1]);
 * log.formatName // 'HDFS'; log.lines[0].eventId // 'E1'
 */
export function parseLogLines(lines: readonly string[], lineNumbers: readonly number[], options: ParseLogOptions = {}): ParsedLog {
  let format: LogFormat;
  let formatName = 'given';
  if (options.format === undefined) {
    const d = detectFormat(lines);
    format = d.format;
    formatName = d.name;
  } else format = typeof options.format === 'string' ? compileFormat(options.format) : options.format;
  const masker = makeMasker(options.masks);
  const drain = new DrainParser(options.drain);
  const out: ParsedLine[] = [];
  const unmatched: number[] = [];
  lines.forEach((line, i) => {
    const fields = matchHeader(format, line);
    if (!fields) {
      unmatched.push(lineNumbers[i]!);
      return;
    }
    out.push({ lineId: lineNumbers[i]!, fields, eventId: drain.add(masker.apply(fields.Content!)).id });
  });
  if (out.length === 0 && lines.length > 0) {
    throw new FormatError(`no line fits the log format ${JSON.stringify(format.source)} (first line: ${JSON.stringify(lines[0]!.slice(0, 120))}); give the format with --format`);
  }
  const templates = new Map<string, string>();
  for (const l of out) if (!templates.has(l.eventId)) templates.set(l.eventId, drain.template(l.eventId));
  return { format, formatName, lines: out, templates, unmatched };
}

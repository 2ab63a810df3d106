import type { Command } from 'commander';
import { OptionError } from '../errors.js';
import { decodeLog, splitLogLines } from '../data/logs/lines.js';
import { parseLogLines, type ParsedLog } from '../data/logs/parse-log.js';
import { sessionsById, windowsByCount, type LogSession } from '../data/logs/sessions.js';
import { parseNumberIn, parsePositiveInt } from './parse.js';
import { readData } from '../checkpoint/session.js';
import { writeOutputFile } from './write-output.js';

interface ParseLogsOptions {
  format?: string;
  session?: string;
  window?: string;
  out?: string;
  json?: boolean;
  depth?: number;
  similarity?: number;
  maxTemplates?: number;
  maxLineLength?: number;
  longLines?: string;
}

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV rows LineId,EventId,EventTemplate (loghub's structured output, header fields left out). */
function toCsv(log: ParsedLog): string {
  const rows = ['LineId,EventId,EventTemplate'];
  for (const l of log.lines) rows.push(`${l.lineId},${l.eventId},${csvField(log.templates.get(l.eventId)!)}`);
  return rows.join('\n') + '\n';
}

export function registerParseLogs(program: Command): void {
  program
    .command('parse')
    .description('parse a raw log file into event templates (Drain), optionally grouped into sessions')
    .argument('<file>', 'log file, UTF-8 text, one record a line')
    .option('--format <format>', "header format, e.g. '<Date> <Time> <Level> <Component>: <Content>' (default: detected)")
    .option('--session <regex>', "group events into sessions by the ids this regex finds in each message, e.g. 'blk_-?\\d+' (writes JSON Lines)")
    .option('--window <n[:step]>', 'group events into windows of n lines, every step lines (default n: fixed windows; writes JSON Lines)')
    .option('--out <file>', 'write here (default: standard output)')
    .option('--json', 'write JSON (lines, templates and sessions) instead of CSV')
    .option('--depth <n>', 'Drain tree depth (default 5)', parsePositiveInt)
    .option('--similarity <s>', 'Drain similarity threshold in [0, 1] (default 0.9)', parseNumberIn(0, 1))
    .option('--max-templates <n>', 'most templates before giving up (default 10000)', parsePositiveInt)
    .option('--max-line-length <n>', 'longest line kept, in characters (default 16384)', parsePositiveInt)
    .option('--long-lines <how>', 'a longer line: truncate or error', 'truncate')
    .action(async (file: string, o: ParseLogsOptions) => {
      if (o.longLines !== 'truncate' && o.longLines !== 'error') throw new OptionError(`--long-lines must be truncate or error, got ${o.longLines}`);
      const text = decodeLog(readData(file), file);
      const { lines, lineNumbers, truncated } = splitLogLines(text, { maxLineLength: o.maxLineLength, longLines: o.longLines }, file);
      const drain = { ...(o.depth && { depth: o.depth }), ...(o.similarity !== undefined && { similarity: o.similarity }), ...(o.maxTemplates && { maxClusters: o.maxTemplates }) };
      const log = parseLogLines(lines, lineNumbers, { format: o.format, drain });
      if (o.session && o.window) throw new OptionError('give --session or --window, not both');
      let grouped: LogSession[] | undefined;
      if (o.session) grouped = sessionsById(log.lines.map((l) => ({ text: l.fields.Content!, eventId: l.eventId })), o.session);
      else if (o.window) {
        const m = /^(\d+)(?::(\d+))?$/.exec(o.window);
        if (!m) throw new OptionError(`--window must be n or n:step with positive integers (e.g. 20 or 20:5), got ${o.window}`);
        grouped = windowsByCount(log.lines.map((l) => l.eventId), Number(m[1]), m[2] === undefined ? Number(m[1]) : Number(m[2]));
      }
      const sessions = grouped?.map((s) => ({ session: s.session, events: s.events.map((e) => log.templates.get(e)!) }));
      let output: string;
      if (o.json) {
        output = JSON.stringify({
          format: log.format.source,
          detected: log.formatName !== 'given' ? log.formatName : undefined,
          lines: log.lines.map((l) => ({ lineId: l.lineId, eventId: l.eventId })),
          templates: Object.fromEntries(log.templates),
          unmatched: log.unmatched,
          ...(sessions && { sessions }),
        }) + '\n';
      } else if (sessions) output = sessions.map((s) => JSON.stringify(s)).join('\n') + '\n';
      else output = toCsv(log);
      if (o.out) await writeOutputFile(o.out, output, 'parsed log');
      else process.stdout.write(output);
      const how = log.formatName === 'given' ? 'given' : `detected: ${log.formatName}`;
      console.error(
        `recur parse: ${log.lines.length} lines, ${log.templates.size} templates (format ${how})` +
          (log.unmatched.length ? `, ${log.unmatched.length} lines did not fit the format (first: line ${log.unmatched[0]})` : '') +
          (truncated ? `, ${truncated} lines cut to ${o.maxLineLength ?? 16384} characters` : '') +
          (sessions ? `, ${sessions.length} sessions` : ''),
      );
    });
}

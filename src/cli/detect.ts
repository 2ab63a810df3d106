import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { FormatError, IoError, OptionError } from '../errors.js';
import { EventVocabulary } from '../data/logs/event-windows.js';
import { detectFormat } from '../data/logs/detect-format.js';
import { compileFormat, matchHeader, type LogFormat } from '../data/logs/format.js';
import { LineSplitter, StreamDecoder } from '../data/logs/stream-sessions.js';
import { TemplateMatcher } from '../data/logs/template-matcher.js';
import type { EventModel, Threshold } from '../tasks/log-detect.js';
import { StreamDetector, type ClosedSession } from '../tasks/log-stream.js';
import { loadModel } from '../checkpoint/session.js';
import { readMaybeGzip } from '../io/gzip-data.js';
import { parseNonNegativeInt, parseNumberIn, parsePositiveInt } from './parse.js';

/** How `detectStream` reads its input and what it reports. */
export interface DetectStreamOptions {
  threshold: Threshold;
  /** Raw log lines: the regex of session ids in each message (as `recur parse --session`). */
  session?: string;
  /** Raw log lines: their header format (default: detected from the first 200 lines). */
  format?: string;
  /** An event (template) matching this ends its session. */
  endEvent?: string;
  idle?: number;
  maxOpen?: number;
  maxLineLength?: number;
  source: string;
}

/** Raw lines kept to detect the header format before the first is parsed. */
const FORMAT_SAMPLE = 200;

/**
 * Reads sessions from a stream and reports each as it closes. Lines are JSON sessions
 * `{"session", "events": [...]}` (as `recur parse --session` writes), JSON events
 * `{"session", "event"}`, or raw log lines grouped by `--session`. Memory stays bounded: lines
 * are cut at `maxLineLength`, open sessions keep h ids each and are at most `maxOpen`.
 *
 * @example
 * await detectStream(process.stdin, model, { threshold: { kind: 'top', g: 9 }, idle: 10_000, source: 'stdin' }, (d) => console.log(d));
 */
export async function detectStream(input: AsyncIterable<Uint8Array | string>, m: EventModel, o: DetectStreamOptions, report: (d: ClosedSession) => void): Promise<{ lines: number; truncated: number }> {
  const detector = new StreamDetector(m, { threshold: o.threshold, report, idle: o.idle, maxOpen: o.maxOpen });
  const decoder = new StreamDecoder(o.source);
  const splitter = new LineSplitter(o.maxLineLength);
  const endRe = o.endEvent !== undefined ? regex(o.endEvent, '--end-event') : null;
  const idRe = o.session !== undefined ? regex(o.session, '--session', 'g') : null;
  let format: LogFormat | null = o.format !== undefined ? compileFormat(o.format) : null;
  let matcher: TemplateMatcher | null = null;
  const sample: string[] = [];
  let lineNo = 0;

  const raw = (line: string) => {
    const fields = matchHeader(format!, line);
    if (fields) {
      matcher ??= new TemplateMatcher(m.vocab.events);
      const content = fields.Content ?? line;
      const event = matcher.event(content);
      for (const id of new Set(Array.from(content.matchAll(idRe!), (x) => x[0]))) detector.event(id, event, !!endRe?.test(event));
    }
    detector.tick();
  };
  const flushSample = () => {
    format ??= detectFormat(sample).format;
    for (const l of sample.splice(0)) raw(l);
  };
  const handle = (line: string) => {
    const n = ++lineNo;
    if (line.trimStart().startsWith('{')) {
      jsonLine(line, n);
      detector.tick();
      return;
    }
    if (!idRe) throw new FormatError(`${o.source}: line ${n} is not JSON; raw log lines need --session <regex> naming the session ids (e.g. 'blk_-?\\d+')`);
    if (format) return raw(line);
    sample.push(line);
    if (sample.length >= FORMAT_SAMPLE) flushSample();
  };
  const jsonLine = (line: string, n: number) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new FormatError(`${o.source}: line ${n} is not valid JSON (${(e as Error).message})`);
    }
    const r = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const id = r.session;
    if (typeof id !== 'string' && typeof id !== 'number') throw new FormatError(`${o.source}: line ${n}: "session" must be a string or number`);
    if (Array.isArray(r.events)) {
      if (r.events.some((e) => typeof e !== 'string' && typeof e !== 'number')) throw new FormatError(`${o.source}: line ${n}: events must be strings or numbers`);
      detector.session(String(id), r.events.map(String));
    } else if (typeof r.event === 'string' || typeof r.event === 'number') {
      const event = String(r.event);
      detector.event(String(id), event, !!endRe?.test(event));
    } else throw new FormatError(`${o.source}: line ${n}: expected {"session", "events": [...]} or {"session", "event"}`);
  };

  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.push(chunk);
    for (const line of splitter.push(text)) handle(line);
  }
  for (const line of splitter.push(decoder.end())) handle(line);
  for (const line of splitter.end()) handle(line);
  if (sample.length) flushSample();
  detector.end();
  return { lines: lineNo, truncated: splitter.truncated };
}

function regex(pattern: string, flag: string, flags = ''): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags);
  } catch (e) {
    throw new OptionError(`${flag} ${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message})`);
  }
  if (re.test('')) throw new OptionError(`${flag} ${JSON.stringify(pattern)} matches the empty string`);
  return re;
}

/** One line of output for a closed session. */
export function formatDetection(d: ClosedSession, json: boolean): string {
  if (json) return JSON.stringify({ ...d, rank: d.rank === Infinity ? null : d.rank, ...(d.rank === Infinity ? { unknown: true } : {}) });
  if (!d.anomalous) return `${d.session}\tnormal (${d.events} events)`;
  const rank = d.rank === Infinity ? 'never seen in training' : `rank ${d.rank}, p ${d.probability!.toPrecision(3)}`;
  return `${d.session}\tanomalous at event ${d.position} of ${d.events + 1}: ${d.event} (${rank}); expected: ${d.expected!.join(' | ')}`;
}

interface DetectFlags {
  top?: number;
  threshold?: number;
  json?: boolean;
  all?: boolean;
  session?: string;
  format?: string;
  endEvent?: string;
  idle: number;
  maxOpen?: number;
  maxLineLength?: number;
}

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('flag anomalous log sessions with a logs checkpoint: each with its first unexpected event and the events expected instead')
    .argument('<dir>', 'checkpoint directory (recur train --task logs)')
    .argument('<input>', "sessions as JSON Lines, or a raw log with --session; '-' reads standard input and reports sessions as they close")
    .option('--top <g>', "DeepLog's rule: unexpected = outside the model's g most likely next events (default: the probability threshold chosen on validation)", parsePositiveInt)
    .option('--threshold <p>', 'unexpected = a next event less likely than p', parseNumberIn(0, 1))
    .option('--json', 'one JSON object per session')
    .option('--all', 'report normal sessions too')
    .option('--session <regex>', "raw log lines: the session id in each message, e.g. 'blk_-?\\d+'")
    .option('--format <format>', 'raw log lines: header format (default: detected from the first 200 lines)')
    .option('--end-event <regex>', 'an event (template) matching this ends its session')
    .option('--idle <lines>', 'close a session after this many input lines without an event of it (0 = at the end of input only)', parseNonNegativeInt, 0)
    .option('--max-open <n>', 'most sessions open at once (default 100000; the least recently active is closed first)', parsePositiveInt)
    .option('--max-line-length <n>', 'longest line kept, in characters (default 16384)', parsePositiveInt)
    .action(async (dir: string, input: string, o: DetectFlags) => {
      if (o.top !== undefined && o.threshold !== undefined) throw new OptionError('give --top or --threshold, not both');
      const { loaded } = await loadModel(dir);
      if (loaded.kind === 'logsClassifier') throw new OptionError(`${dir} holds a supervised session classifier (--supervised), scored with 'recur eval'; 'recur detect' needs the next-event model (--task logs without --supervised)`);
      if (loaded.kind !== 'logs') throw new OptionError(`${dir} holds a ${loaded.kind} model; 'recur detect' needs one trained with --task logs`);
      const m: EventModel = { model: loaded.model, vocab: new EventVocabulary(loaded.encoding.events), history: loaded.encoding.history };
      const threshold: Threshold = o.top !== undefined ? { kind: 'top', g: o.top } : o.threshold !== undefined ? { kind: 'probability', p: o.threshold } : loaded.encoding.threshold.threshold;
      const stream: AsyncIterable<Uint8Array | string> = input === '-' ? process.stdin : openInput(input);
      // `recur detect ... | head`: a closed pipe ends the output, not with a stack trace.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      });
      let sessions = 0;
      let anomalous = 0;
      const { truncated } = await detectStream(stream, m, { ...o, threshold, source: input === '-' ? 'standard input' : input }, (d) => {
        sessions++;
        if (d.anomalous) anomalous++;
        if (d.anomalous || o.all) process.stdout.write(formatDetection(d, !!o.json) + '\n');
      });
      const rule = threshold.kind === 'top' ? `top ${threshold.g}` : `p < ${threshold.p.toPrecision(3)}`;
      console.error(`recur detect: ${sessions} sessions, ${anomalous} anomalous (${rule})${truncated ? `, ${truncated} lines cut` : ''}`);
    });
}

/** A file to stream, checked first so a missing file or a device gets a clear error. */
function openInput(path: string): AsyncIterable<Uint8Array> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new IoError(code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(e as Error).message}`);
  }
  if (st.isDirectory()) throw new IoError(`${path}: is a directory, expected sessions or a log file`);
  return readMaybeGzip(path);
}

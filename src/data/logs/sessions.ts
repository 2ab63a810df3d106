import { FormatError, OptionError } from '../../errors.js';

/** A session: an id, its events in order, and a label when known. */
export interface LogSession {
  session: string;
  events: string[];
  label?: 'normal' | 'anomaly';
}

/** Most distinct sessions kept by `sessionsById` (memory bound for hostile input). */
export const MAX_SESSIONS = 1_000_000;

/**
 * Groups events into sessions by the ids a regex finds in each line's text, in order of first
 * appearance. A line naming two ids goes to both (as in DeepLog's HDFS preprocessing); a line
 * naming none belongs to no session.
 *
 * @example
 * sessionsById([{ text: 'read blk_1', eventId: 'E1' }, { text: 'copy blk_1 to blk_2', eventId: 'E2' }], 'blk_-?\\d+')
 * // [{ session: 'blk_1', events: ['E1', 'E2'] }, { session: 'blk_2', events: ['E2'] }]
 */
export function sessionsById(lines: Iterable<{ text: string; eventId: string }>, pattern: string, maxSessions = MAX_SESSIONS): LogSession[] {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'g');
  } catch (e) {
    throw new OptionError(`--session ${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message})`);
  }
  if (re.test('')) throw new OptionError(`--session ${JSON.stringify(pattern)} matches the empty string; give a pattern for the ids, e.g. 'blk_-?\\d+'`);
  const byId = new Map<string, LogSession>();
  for (const { text, eventId } of lines) {
    const ids = new Set(Array.from(text.matchAll(re), (m) => m[0]));
    for (const id of ids) {
      let s = byId.get(id);
      if (!s) {
        if (byId.size >= maxSessions) throw new FormatError(`more than ${maxSessions} distinct session ids; is --session ${JSON.stringify(pattern)} too broad?`);
        s = { session: id, events: [] };
        byId.set(id, s);
      }
      s.events.push(eventId);
    }
  }
  return [...byId.values()];
}

/**
 * Windows of consecutive events: `size` events each, starting every `step` (step = size gives
 * fixed windows, step < size sliding ones). The last window may be shorter; none is empty.
 * Sessions are named 'w<first index>'.
 *
 * @example
 * windowsByCount(['a', 'b', 'c', 'd', 'e'], 2, 2).map((w) => w.events) // [['a','b'], ['c','d'], ['e']]
 */
export function windowsByCount(events: readonly string[], size: number, step = size): LogSession[] {
  if (!Number.isInteger(size) || size < 1) throw new OptionError(`window size must be a positive integer, got ${size}`);
  if (!Number.isInteger(step) || step < 1) throw new OptionError(`window step must be a positive integer, got ${step}`);
  const out: LogSession[] = [];
  for (let start = 0; start < events.length; start += step) {
    out.push({ session: `w${start}`, events: events.slice(start, start + size) });
    if (start + size >= events.length) break;
  }
  return out;
}

/**
 * Windows of time: events whose time t (ms, non-decreasing) falls in [start, start + widthMs),
 * for start = first time, first + stepMs, ...; empty windows are left out. Named by start time.
 *
 * @example
 * windowsByTime(['a', 'b', 'c'], [0, 500, 1500], 1000).map((w) => w.events) // [['a', 'b'], ['c']]
 */
export function windowsByTime(events: readonly string[], timesMs: readonly number[], widthMs: number, stepMs = widthMs): LogSession[] {
  if (events.length !== timesMs.length) throw new OptionError(`windowsByTime: ${events.length} events but ${timesMs.length} times`);
  if (!(widthMs > 0) || !(stepMs > 0) || !Number.isFinite(widthMs) || !Number.isFinite(stepMs)) throw new OptionError(`time windows need a positive width and step, got ${widthMs} and ${stepMs} ms`);
  for (let i = 0; i < timesMs.length; i++) {
    if (!Number.isFinite(timesMs[i]!)) throw new FormatError(`windowsByTime: time ${i} is ${timesMs[i]}, not a finite number`);
    if (i > 0 && timesMs[i]! < timesMs[i - 1]!) throw new FormatError(`windowsByTime: times go back at event ${i} (${timesMs[i]} after ${timesMs[i - 1]}); sort the lines by time first`);
  }
  const out: LogSession[] = [];
  if (events.length === 0) return out;
  let lo = 0;
  let start = timesMs[0]!;
  for (;;) {
    while (lo < events.length && timesMs[lo]! < start) lo++;
    if (lo >= events.length) break;
    if (timesMs[lo]! >= start + widthMs) {
      // Jump over an empty stretch to the first window that holds event lo.
      start += (Math.floor((timesMs[lo]! - start - widthMs) / stepMs) + 1) * stepMs;
      continue;
    }
    let hi = lo;
    while (hi < events.length && timesMs[hi]! < start + widthMs) hi++;
    out.push({ session: `t${start}`, events: events.slice(lo, hi) });
    start += stepMs;
  }
  return out;
}

/**
 * Reads sessions from JSON Lines, one `{"session": ..., "events": [...], "label": ...}` a line
 * (label optional: 'normal' or 'anomaly'; blank lines skipped). Errors name the line number.
 *
 * @example
 * parseSessionsJsonl('{"session":"b1","events":["E1","E2"],"label":"normal"}\n', 's.jsonl')
 * // [{ session: 'b1', events: ['E1', 'E2'], label: 'normal' }]
 */
export function parseSessionsJsonl(text: string, source: string): LogSession[] {
  const out: LogSession[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const where = `${source}: line ${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new FormatError(`${where} is not valid JSON (${(e as Error).message}); each line must be one {"session", "events", "label"} object`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FormatError(`${where}: expected an object {"session", "events", "label"}, got ${Array.isArray(v) ? 'an array' : typeof v}`);
    const o = v as Record<string, unknown>;
    if (typeof o.session !== 'string' && typeof o.session !== 'number') throw new FormatError(`${where}: "session" must be a string or number`);
    if (!Array.isArray(o.events)) throw new FormatError(`${where}: "events" must be an array of event names`);
    const bad = o.events.findIndex((e) => typeof e !== 'string' && typeof e !== 'number');
    if (bad >= 0) throw new FormatError(`${where}: event ${bad} is ${JSON.stringify(o.events[bad])}; events must be strings or numbers`);
    if (o.label !== undefined && o.label !== 'normal' && o.label !== 'anomaly') throw new FormatError(`${where}: "label" must be "normal" or "anomaly", got ${JSON.stringify(o.label)}`);
    const s: LogSession = { session: String(o.session), events: o.events.map(String) };
    if (o.label !== undefined) s.label = o.label;
    out.push(s);
  }
  if (out.length === 0) throw new FormatError(`${source}: no sessions (the file is empty or blank)`);
  return out;
}

// Sessions for the logs explorer (pure: tested in Node): read from pasted or dropped text in
// the formats `recur detect` reads, or made up from a checkpoint's own vocabulary.
import { explainSession } from 'recur';
import type { EventModel, Threshold } from 'recur';

export interface PickedSession {
  session: string;
  events: string[];
  label?: string;
  /** Events after the first MAX_EVENTS, left out when reading (the verdict covers the rest). */
  dropped?: number;
}

/** Sessions read from one paste or file (the rest are left out and counted). */
export const MAX_SESSIONS = 5000;
/** Events kept of one session: the page draws 300, and a longer session only costs memory and time. */
export const MAX_EVENTS = 2000;
/** Largest file or paste read (a bigger one is for `recur detect`, which streams it). */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;

/** Plain lines that are not templates of the checkpoint: raw log lines the page cannot parse. */
export class RawLogLinesError extends Error {
  constructor(
    readonly unknown: number,
    readonly plain: number,
    /** What to run on the file first. */
    readonly command: string,
  ) {
    super(
      `${unknown} of ${plain} plain lines are not event templates this checkpoint knows: they look like raw log lines, which the page does not parse. ` +
        `Make sessions of templates first with ${command} (the regex finds each line's session id; this one is HDFS's block id) and open sessions.jsonl here, ` +
        `or judge the raw lines with recur detect RUN FILE --session REGEX`,
    );
  }
}

/** The command that turns a raw log into sessions this page reads. */
export const PARSE_COMMAND = "recur parse FILE --session 'blk_-?\\d+' --out sessions.jsonl";

/** Why a file or paste of `bytes` is not read, or null. */
export function tooLarge(what: string, bytes: number): string | null {
  if (bytes <= MAX_TEXT_BYTES) return null;
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  return `${what} is ${mb(bytes)}; the page reads at most ${mb(MAX_TEXT_BYTES)}: open a part of it (e.g. head -n 10000 FILE > part.jsonl), or judge it whole with recur detect RUN FILE`;
}

/**
 * Reads sessions from text: JSON lines `{"session", "events": [...], "label"?}` (as `recur parse
 * --session` writes) or `{"session", "event"}` (one event a line, grouped by session), or plain
 * lines, one event (template) each: a blank line ends such a session. Sessions keep their first
 * MAX_EVENTS events (`dropped` counts the rest). Given the checkpoint's templates (`known`),
 * plain lines that are mostly not among them are raw log lines: RawLogLinesError, not one giant
 * session of lines.
 *
 * @example
 * readSessions('{"session":"b1","events":["E5","E22"]}\nE5\nE11\n').sessions
 * // [{ session: 'b1', events: ['E5', 'E22'] }, { session: 'pasted 1', events: ['E5', 'E11'] }]
 */
export function readSessions(text: string, known?: ReadonlySet<string>): { sessions: PickedSession[]; skipped: number } {
  const sessions: PickedSession[] = [];
  // null: a session past MAX_SESSIONS, counted once and its events not kept.
  const byId = new Map<string, PickedSession | null>();
  let plain: PickedSession | null | undefined = undefined;
  let skipped = 0;
  let plainLines = 0;
  let unknownLines = 0;
  const add = (s: PickedSession): PickedSession | null => {
    if (sessions.length >= MAX_SESSIONS) return void skipped++, null;
    sessions.push(s);
    return s;
  };
  const push = (s: PickedSession, e: string) => {
    if (s.events.length < MAX_EVENTS) s.events.push(e);
    else s.dropped = (s.dropped ?? 0) + 1;
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return void (plain = undefined);
    if (!line.startsWith('{')) {
      plainLines++;
      if (known && !known.has(line)) unknownLines++;
      if (plain === undefined) plain = add({ session: `pasted ${sessions.length + skipped + 1}`, events: [] });
      if (plain) push(plain, line);
      return;
    }
    plain = undefined;
    const r = jsonObject(line, i + 1);
    const id = r.session;
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`line ${i + 1}: "session" must be a string or number`);
    const label = typeof r.label === 'string' ? { label: r.label } : {};
    if (Array.isArray(r.events)) {
      if (r.events.some((e) => typeof e !== 'string' && typeof e !== 'number')) throw new Error(`line ${i + 1}: events must be strings or numbers`);
      const over = r.events.length - MAX_EVENTS;
      add({ session: String(id), events: r.events.slice(0, MAX_EVENTS).map(String), ...label, ...(over > 0 && { dropped: over }) });
    } else if (typeof r.event === 'string' || typeof r.event === 'number') {
      let s = byId.get(String(id));
      if (s === undefined) byId.set(String(id), (s = add({ session: String(id), events: [] })));
      if (s) push(s, String(r.event));
    } else throw new Error(`line ${i + 1}: expected {"session", "events": [...]} or {"session", "event"}`);
  });
  // One unseen event among templates is a finding; mostly unknown lines are a raw log.
  if (unknownLines >= 2 && unknownLines * 2 > plainLines) throw new RawLogLinesError(unknownLines, plainLines, PARSE_COMMAND);
  if (sessions.length === 0) throw new Error('no sessions: paste JSON lines {"session", "events": [...]} or one event (template) a line');
  return { sessions, skipped };
}

function jsonObject(line: string, n: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new Error(`line ${n} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`line ${n}: expected a JSON object`);
  return v as Record<string, unknown>;
}

/** Longest made-up session. */
const MAX_EXAMPLE = 40;
/** An event no checkpoint has seen, for the third example. */
export const UNSEEN_EVENT = '<an event training never saw>';

/**
 * Three sessions made from the checkpoint's own vocabulary: the model's most expected session
 * (the most likely next event each time, until it expects the end), the same cut short after
 * half its events, and the same with an event training never saw in the middle.
 *
 * @example
 * exampleSessions(m, { kind: 'top', g: 9 }).map((s) => s.session) // ['most expected', 'cut short', 'with an unseen event']
 */
export function exampleSessions(m: EventModel, t: Threshold): PickedSession[] {
  const typical: string[] = [];
  while (typical.length < MAX_EXAMPLE) {
    const x = explainSession(m, { session: '', events: typical }, t, 1, 0);
    const next = x.events[x.events.length - 1]!.top[0]!.event;
    if (next === '<end>') break;
    typical.push(next);
  }
  const half = Math.floor(typical.length / 2);
  return [
    { session: 'most expected', events: typical },
    { session: 'cut short', events: typical.slice(0, Math.max(1, half)) },
    { session: 'with an unseen event', events: [...typical.slice(0, half), UNSEEN_EVENT, ...typical.slice(half)] },
  ];
}

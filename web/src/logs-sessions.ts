// Sessions for the logs explorer (pure: tested in Node): read from pasted or dropped text in
// the formats `recur detect` reads, or made up from a checkpoint's own vocabulary.
import { explainSession } from 'recur';
import type { EventModel, Threshold } from 'recur';

export interface PickedSession {
  session: string;
  events: string[];
  label?: string;
}

/** Sessions read from one paste or file (the rest are left out and counted). */
export const MAX_SESSIONS = 5000;

/**
 * Reads sessions from text: JSON lines `{"session", "events": [...], "label"?}` (as `recur parse
 * --session` writes) or `{"session", "event"}` (one event a line, grouped by session), or plain
 * lines, one event (template) each: a blank line ends such a session.
 *
 * @example
 * readSessions('{"session":"b1","events":["E5","E22"]}\nE5\nE11\n').sessions
 * // [{ session: 'b1', events: ['E5', 'E22'] }, { session: 'pasted 1', events: ['E5', 'E11'] }]
 */
export function readSessions(text: string): { sessions: PickedSession[]; skipped: number } {
  const sessions: PickedSession[] = [];
  const byId = new Map<string, PickedSession>();
  let plain: PickedSession | null = null;
  let skipped = 0;
  const add = (s: PickedSession) => {
    if (sessions.length >= MAX_SESSIONS) return void skipped++;
    sessions.push(s);
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return void (plain = null);
    if (!line.startsWith('{')) {
      if (!plain) add((plain = { session: `pasted ${sessions.length + skipped + 1}`, events: [] }));
      plain.events.push(line);
      return;
    }
    plain = null;
    const r = jsonObject(line, i + 1);
    const id = r.session;
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`line ${i + 1}: "session" must be a string or number`);
    const label = typeof r.label === 'string' ? { label: r.label } : {};
    if (Array.isArray(r.events)) {
      if (r.events.some((e) => typeof e !== 'string' && typeof e !== 'number')) throw new Error(`line ${i + 1}: events must be strings or numbers`);
      add({ session: String(id), events: r.events.map(String), ...label });
    } else if (typeof r.event === 'string' || typeof r.event === 'number') {
      let s = byId.get(String(id));
      if (!s) byId.set(String(id), (s = { session: String(id), events: [] })), add(s);
      s.events.push(String(r.event));
    } else throw new Error(`line ${i + 1}: expected {"session", "events": [...]} or {"session", "event"}`);
  });
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
    const x = explainSession(m, { session: '', events: typical }, t, 1);
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

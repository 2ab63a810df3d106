import { END, START } from './ngram.js';

/** Events and transitions (pairs of consecutive events, with START and END) seen in training. */
export interface SeenModel {
  events: Set<string>;
  transitions: Set<string>;
}

const pair = (a: string, b: string): string => `${a}\u0000${b}`;

/**
 * Learns the events and transitions of normal training sessions.
 *
 * @example
 * const m = fitSeen([['a', 'b']]);
 * detectUnseen(m, [['a', 'b'], ['b', 'a'], ['c']]) // [false, true, true]
 */
export function fitSeen(sessions: readonly (readonly string[])[]): SeenModel {
  const m: SeenModel = { events: new Set(), transitions: new Set() };
  for (const s of sessions) {
    const seq = [START, ...s, END];
    for (let i = 0; i < seq.length; i++) {
      m.events.add(seq[i]!);
      if (i > 0) m.transitions.add(pair(seq[i - 1]!, seq[i]!));
    }
  }
  return m;
}

/** A session is anomalous if it holds an event or a transition never seen in training. */
export function detectUnseen(model: SeenModel, sessions: readonly (readonly string[])[]): boolean[] {
  return sessions.map((s) => {
    const seq = [START, ...s, END];
    for (let i = 0; i < seq.length; i++) {
      if (!model.events.has(seq[i]!)) return true;
      if (i > 0 && !model.transitions.has(pair(seq[i - 1]!, seq[i]!))) return true;
    }
    return false;
  });
}

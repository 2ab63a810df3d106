import { FormatError, OptionError } from '../../errors.js';

/** Reserved ids of an event vocabulary: padding, unknown event, session start and end. */
export const PAD_ID = 0;
export const UNKNOWN_ID = 1;
export const START_ID = 2;
export const END_ID = 3;
const RESERVED = ['<pad>', '<unknown>', '<start>', '<end>'] as const;

/** Most distinct events a vocabulary holds (Drain caps templates at 10,000 by default). */
export const MAX_EVENTS = 100_000;

/**
 * Event names (templates or ids) <-> ids for a next-event model. Ids 0-3 are reserved
 * (PAD, UNKNOWN, START, END); the events of the training sessions follow in order of first
 * appearance, so a vocabulary fitted twice on the same sessions is the same.
 *
 * @example
 * const v = EventVocabulary.fit([['a', 'b'], ['b', 'c']]);
 * v.size // 7
 * v.encodeSession(['a', 'x']) // Int32Array [2, 4, 1, 3]: START, a, UNKNOWN, END
 */
export class EventVocabulary {
  readonly events: readonly string[];
  private readonly index: Map<string, number>;

  constructor(events: readonly string[]) {
    if (events.length > MAX_EVENTS) throw new FormatError(`${events.length} distinct events; at most ${MAX_EVENTS} are supported (are the events parsed into templates?)`);
    this.events = [...events];
    this.index = new Map(events.map((e, i) => [e, i + RESERVED.length]));
    if (this.index.size !== events.length) throw new FormatError('an event vocabulary lists an event twice');
  }

  static fit(sessions: ReadonlyArray<readonly string[]>): EventVocabulary {
    const seen = new Set<string>();
    for (const s of sessions) for (const e of s) seen.add(e);
    return new EventVocabulary([...seen]);
  }

  get size(): number {
    return this.events.length + RESERVED.length;
  }

  /** The id of an event, UNKNOWN_ID if training never saw it. */
  id(event: string): number {
    return this.index.get(event) ?? UNKNOWN_ID;
  }

  /** The name of an id (reserved ids by their marker, e.g. '<end>'). */
  name(id: number): string {
    return id < RESERVED.length ? RESERVED[id]! : this.events[id - RESERVED.length]!;
  }

  /** START, the session's event ids, END. */
  encodeSession(events: readonly string[]): Int32Array {
    const out = new Int32Array(events.length + 2);
    out[0] = START_ID;
    events.forEach((e, i) => (out[i + 1] = this.id(e)));
    out[events.length + 1] = END_ID;
    return out;
  }
}

/**
 * Next-event examples of encoded sessions (START ... END): for each position t >= 1 of each
 * session, the `history` ids before t (left-padded with PAD_ID when fewer) and the id at t.
 * Contexts are laid out example-major: context k is `contexts[k*history .. (k+1)*history)`.
 *
 * @example
 * const w = nextEventWindows([Int32Array.of(2, 4, 3)], 2);
 * w.contexts // [0, 2,  2, 4]  (PAD START -> 4; START 4 -> END)
 * w.targets  // [4, 3]
 */
export function nextEventWindows(sessions: ReadonlyArray<Int32Array>, history: number): { contexts: Int32Array; targets: Int32Array; count: number } {
  if (!Number.isInteger(history) || history < 1) throw new OptionError(`the history must be a positive integer, got ${history}`);
  let count = 0;
  for (const s of sessions) count += Math.max(0, s.length - 1);
  const contexts = new Int32Array(count * history);
  const targets = new Int32Array(count);
  let k = 0;
  for (const s of sessions) {
    for (let t = 1; t < s.length; t++, k++) {
      const from = Math.max(0, t - history);
      contexts.set(s.subarray(from, t), k * history + history - (t - from));
      targets[k] = s[t]!;
    }
  }
  return { contexts, targets, count };
}

/**
 * Contexts of examples `items` as a time-major [history, B] id block for a recurrent model.
 *
 * @example
 * timeMajor(Int32Array.of(1, 2, 3, 4), 2, [1, 0]) // [3, 1, 4, 2]
 */
export function timeMajor(contexts: Int32Array, history: number, items: ArrayLike<number>): Int32Array {
  const B = items.length;
  const out = new Int32Array(history * B);
  for (let b = 0; b < B; b++) {
    const o = items[b]! * history;
    for (let t = 0; t < history; t++) out[t * B + b] = contexts[o + t]!;
  }
  return out;
}

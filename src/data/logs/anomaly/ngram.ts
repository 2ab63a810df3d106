import { OptionError } from '../../../errors.js';

/** Start and end markers added around every session, so a session that stops early is caught. */
export const START = '<start>';
export const END = '<end>';

/**
 * An n-gram next-event model for DeepLog-style detection without a neural net: counts of the
 * next event after each context of up to `history` previous events (contexts begin with START).
 */
export interface NgramModel {
  history: number;
  /** Context (events joined by '\u0000', most recent last) -> next event -> count. */
  counts: Map<string, Map<string, number>>;
  /** Next events by count, descending (ties by name); filled on first use. */
  ranked: Map<string, string[]>;
}

const SEP = '\u0000';
const key = (ctx: readonly string[]): string => ctx.join(SEP);

/**
 * Counts next events after every context of length 0..history in the (normal) training
 * sessions, each read as START, events..., END.
 *
 * @example
 * const m = fitNgram([['a', 'b']], 2);
 * m.counts.get(['<start>', 'a'].join('\u0000')) // Map { 'b' => 1 }
 */
export function fitNgram(sessions: readonly (readonly string[])[], history = 10): NgramModel {
  if (!Number.isInteger(history) || history < 1) throw new OptionError(`n-gram history must be a positive integer, got ${history}`);
  const counts = new Map<string, Map<string, number>>();
  for (const events of sessions) {
    const seq = [START, ...events, END];
    for (let t = 1; t < seq.length; t++) {
      for (let k = 0; k <= Math.min(history, t); k++) {
        const ctx = key(seq.slice(t - k, t));
        let next = counts.get(ctx);
        if (!next) counts.set(ctx, (next = new Map()));
        next.set(seq[t]!, (next.get(seq[t]!) ?? 0) + 1);
      }
    }
  }
  return { history, counts, ranked: new Map() };
}

/**
 * The g most likely next events after `context` (its last `history` events), with back-off:
 * candidates come first from the longest context seen in training, by count (ties by name), then
 * from shorter ones until there are g.
 */
export function topNext(model: NgramModel, context: readonly string[], g: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let k = Math.min(model.history, context.length); k >= 0 && out.length < g; k--) {
    const ctx = key(context.slice(context.length - k));
    let ranked = model.ranked.get(ctx);
    if (!ranked) {
      const next = model.counts.get(ctx);
      if (!next) continue;
      ranked = [...next.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([e]) => e);
      model.ranked.set(ctx, ranked);
    }
    for (const e of ranked) {
      if (out.length >= g) break;
      if (!seen.has(e)) {
        seen.add(e);
        out.push(e);
      }
    }
  }
  return out;
}

/**
 * DeepLog's top-g rule on one session: the first position (1 = the first event, events.length + 1
 * = END) whose event is not among the g most likely next ones, or -1 if none.
 *
 * @example
 * const m = fitNgram([['a', 'b'], ['a', 'c']], 1);
 * firstAnomaly(m, ['a'], 2)      // 2: END never follows 'a'
 * firstAnomaly(m, ['a', 'b'], 2) // -1
 */
export function firstAnomaly(model: NgramModel, events: readonly string[], g = 9): number {
  if (!Number.isInteger(g) || g < 1) throw new OptionError(`top-g must be a positive integer, got ${g}`);
  const seq = [START, ...events, END];
  for (let t = 1; t < seq.length; t++) {
    const ctx = seq.slice(Math.max(0, t - model.history), t);
    if (!topNext(model, ctx, g).includes(seq[t]!)) return t;
  }
  return -1;
}

/**
 * The least g under which a session passes the top-g rule: the worst rank (1-based) of an
 * actual next event among the back-off candidates, Infinity if some event is never a candidate.
 * `detectNgram(m, [s], g)[0]` equals `sessionRank(m, s) > g`; computing the rank once lets a
 * search over g score every g without re-running the model.
 *
 * @example
 * sessionRank(fitNgram([['a', 'b'], ['a', 'c']], 1), ['a', 'c']) // 2
 */
export function sessionRank(model: NgramModel, events: readonly string[]): number {
  const seq = [START, ...events, END];
  let worst = 1;
  for (let t = 1; t < seq.length; t++) {
    const ranked = topNext(model, seq.slice(Math.max(0, t - model.history), t), Number.POSITIVE_INFINITY);
    const r = ranked.indexOf(seq[t]!);
    if (r < 0) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, r + 1);
  }
  return worst;
}

/** Flags each session by the top-g rule. */
export function detectNgram(model: NgramModel, sessions: readonly (readonly string[])[], g = 9): boolean[] {
  return sessions.map((s) => firstAnomaly(model, s, g) >= 0);
}

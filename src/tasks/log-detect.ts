import { OptionError } from '../errors.js';
import { END_ID, nextEventWindows, timeMajor, UNKNOWN_ID, type EventVocabulary } from '../data/logs/event-windows.js';
import { scoreDetection } from '../data/logs/anomaly/evaluate.js';
import type { CharLm } from '../models/char-lm.js';
import { timeStep } from '../autograd/nn-ops.js';
import { withEval } from '../nn/with-eval.js';

/** A next-event model with what it needs to read sessions: the vocabulary and the history h. */
export interface EventModel {
  model: CharLm;
  vocab: EventVocabulary;
  history: number;
}

/** Examples run through the model at once (memory: batch x history x hidden floats). */
const BATCH = 512;

/**
 * Last-step logits [count, V] of next-event contexts (example-major, `history` ids each), in
 * evaluation mode, `BATCH` contexts at a time.
 */
export function nextEventLogits(m: EventModel, contexts: Int32Array, count: number): Float32Array {
  const V = m.vocab.size;
  const h = m.history;
  const out = new Float32Array(count * V);
  withEval(m.model, () => {
    for (let from = 0; from < count; from += BATCH) {
      const B = Math.min(BATCH, count - from);
      const items = Array.from({ length: B }, (_, b) => from + b);
      const { logits } = m.model.forward(timeMajor(contexts, h, items), h, B);
      out.set(timeStep(logits, h - 1).data, from * V);
    }
  });
  return out;
}

/**
 * The rank (1 = most likely) of `target` among the events that can come next: every id but
 * PAD, UNKNOWN and START. Ties count in the target's favour. An UNKNOWN target (an event
 * training never saw) ranks Infinity: anomalous under any g.
 */
export function rankOf(row: ArrayLike<number>, target: number): number {
  if (target === UNKNOWN_ID) return Number.POSITIVE_INFINITY;
  const x = row[target]!;
  let rank = 1;
  for (let j = END_ID; j < row.length; j++) if (j !== target && row[j]! > x) rank++;
  return rank;
}

/** The g most likely next ids of a row (PAD, UNKNOWN and START left out), most likely first. */
export function topIds(row: ArrayLike<number>, g: number): number[] {
  const ids: number[] = [];
  for (let j = END_ID; j < row.length; j++) ids.push(j);
  return ids.sort((a, b) => row[b]! - row[a]! || a - b).slice(0, g);
}

/** The probability a row of logits gives `target` among the events that can come next (UNKNOWN: 0). */
export function probabilityOf(row: ArrayLike<number>, target: number): number {
  if (target === UNKNOWN_ID) return 0;
  let max = -Infinity;
  for (let j = END_ID; j < row.length; j++) max = Math.max(max, row[j]!);
  let z = 0;
  for (let j = END_ID; j < row.length; j++) z += Math.exp(row[j]! - max);
  return Math.exp(row[target]! - max) / z;
}

/**
 * When a next event is unexpected: outside the g most likely (DeepLog's top-g rule), or less
 * likely than p (the default, chosen on validation: finer than ranks, which tie on few events).
 */
export type Threshold = { kind: 'top'; g: number } | { kind: 'probability'; p: number };

/** Whether `target` is unexpected after a context whose logits are `row`. */
export function isUnexpected(row: ArrayLike<number>, target: number, t: Threshold): boolean {
  if (target === UNKNOWN_ID) return true;
  return t.kind === 'top' ? rankOf(row, target) > t.g : probabilityOf(row, target) < t.p;
}

/** Whether a scored session is anomalous under a threshold (an unknown event always is). */
export function isFlagged(s: Pick<SessionScore, 'worst' | 'least'>, t: Threshold): boolean {
  return s.worst === Infinity || (t.kind === 'top' ? s.worst > t.g : s.least < t.p);
}

/** The events expected instead: the top g, or those at least as likely as p (at most 10), most likely first. */
export function expectedIds(row: ArrayLike<number>, t: Threshold): number[] {
  if (t.kind === 'top') return topIds(row, t.g);
  return topIds(row, 10).filter((j) => probabilityOf(row, j) >= t.p);
}

/** Per-session result of next-event scoring. */
export interface SessionScore {
  /** The worst rank of an actual next event (Infinity with an unknown event): flagged under top-g when > g. */
  worst: number;
  /** The least probability of an actual next event (0 with an unknown event): flagged when < p. */
  least: number;
  /** Next events the NLL is over: events + 1 (for END), less those training never saw. */
  steps: number;
  /** Mean negative log-likelihood of those next events, nats (0 if none); unknown events have none. */
  nll: number;
}

/**
 * Scores sessions with a next-event model: every actual next event (with START and END around
 * each session) given the previous h events.
 *
 * @example
 * const [s] = scoreSessions(m, [['E1', 'E2']]);
 * s.steps // 3: E1, E2, END
 */
export function scoreSessions(m: EventModel, sessions: ReadonlyArray<readonly string[]>): SessionScore[] {
  const encoded = sessions.map((s) => m.vocab.encodeSession(s));
  const w = nextEventWindows(encoded, m.history);
  const logits = nextEventLogits(m, w.contexts, w.count);
  const V = m.vocab.size;
  let k = 0;
  return encoded.map((s) => {
    let worst = 1, least = 1, nll = 0, known = 0;
    for (let t = 1; t < s.length; t++, k++) {
      const row = logits.subarray(k * V, (k + 1) * V);
      const target = w.targets[k]!;
      const p = probabilityOf(row, target);
      worst = Math.max(worst, rankOf(row, target));
      least = Math.min(least, p);
      if (target !== UNKNOWN_ID) {
        nll -= Math.log(Math.max(p, Number.MIN_VALUE));
        known++;
      }
    }
    return { worst, least, steps: known, nll: known ? nll / known : 0 };
  });
}

/** A threshold chosen on validation, how, and its validation figure. */
export interface ChosenThreshold {
  threshold: Threshold;
  /** By F1 on labelled validation anomalies, or by false alarms on normal validation sessions. */
  rule: 'validation-f1' | 'false-alarms';
  /** Validation F1 (labelled anomalies present), or the share of validation sessions flagged. */
  value: number;
}

/** Highest share of normal validation sessions flagged when a threshold is chosen without labelled anomalies. */
export const FALSE_ALARM_RATE = 0.01;

/**
 * The threshold chosen on validation from the sessions' scores (`SessionScore`). With labelled
 * anomalies: the best F1 (ties: the fewest flags); without: the most flags with at most
 * FALSE_ALARM_RATE of the validation sessions flagged. 'top': g in 1..maxG by worst rank;
 * 'probability': p between two consecutive least probabilities (their geometric mean), so a
 * session scoring between them at test time is judged by the nearer side on a log scale;
 * without labels, p at a validation session's least probability. Unknown events flag always.
 *
 * @example
 * chooseThreshold('top', [{ worst: 1, least: 0.5 }, { worst: 5, least: 0.01 }], [false, true], 10).threshold // { kind: 'top', g: 4 }: the fewest flags at the best F1
 */
export function chooseThreshold(
  kind: Threshold['kind'],
  scores: ReadonlyArray<Pick<SessionScore, 'worst' | 'least'>>,
  anomalous: readonly boolean[],
  maxG: number,
): ChosenThreshold {
  if (!Number.isInteger(maxG) || maxG < 1) throw new OptionError(`maxG must be a positive integer, got ${maxG}`);
  // Candidates from the fewest flags to the most.
  const labelled = anomalous.some(Boolean);
  const candidates: Threshold[] = [];
  if (kind === 'top') for (let g = maxG; g >= 1; g--) candidates.push({ kind: 'top', g });
  else {
    const values = [...new Set(scores.map((s) => s.least))].filter((v) => v > 0).sort((a, b) => a - b);
    candidates.push({ kind: 'probability', p: 0 });
    for (let i = 0; i < values.length; i++) {
      // Labelled: between two values. Unlabelled: at the value, the least likely validation
      // session it spares (with few sessions, 1% allows no flag, and p = 0 would pass anything).
      const p = labelled ? Math.sqrt(values[i]! * (values[i + 1] ?? 1)) : values[i]!;
      candidates.push({ kind: 'probability', p });
    }
  }
  const flagsOf = (t: Threshold) => scores.map((s) => isFlagged(s, t));
  let best: ChosenThreshold | null = null;
  for (const t of candidates) {
    const flags = flagsOf(t);
    if (labelled) {
      const f1 = scoreDetection(flags, anomalous).f1;
      if (!best || f1 > best.value) best = { threshold: t, rule: 'validation-f1', value: f1 };
    } else {
      const rate = flags.length ? flags.filter(Boolean).length / flags.length : 0;
      if (rate > FALSE_ALARM_RATE) break;
      best = { threshold: t, rule: 'false-alarms', value: rate };
    }
  }
  return best ?? { threshold: candidates[0]!, rule: 'false-alarms', value: 0 };
}

/** One session's verdict, with the first unexpected event and what was expected instead. */
export interface Detection {
  session: string;
  anomalous: boolean;
  /** 1-based position of the first unexpected event (events + 1: the session ended there); absent if normal. */
  position?: number;
  /** That event ('<end>' if the session stopped early; the raw name if training never saw it). */
  event?: string;
  /** Its rank among the next events the model expects (Infinity: unknown event) and its probability. */
  rank?: number;
  probability?: number;
  /** The events the model expected there (see expectedIds), most likely first. */
  expected?: string[];
}

/** The verdict on the next event `target` at position t of a session, or null if expected. */
export function verdictAt(m: EventModel, row: ArrayLike<number>, target: number, rawEvent: string, position: number, t: Threshold): Omit<Detection, 'session'> | null {
  if (!isUnexpected(row, target, t)) return null;
  return {
    anomalous: true,
    position,
    event: rawEvent,
    rank: rankOf(row, target),
    probability: probabilityOf(row, target),
    expected: expectedIds(row, t).map((j) => m.vocab.name(j)),
  };
}

/**
 * Sessions checked against a threshold: anomalous at the first next event the model did not
 * expect (an event training never saw is never expected).
 *
 * @example
 * detectSessions(m, [{ session: 'b1', events: ['E1', 'E9'] }], { kind: 'top', g: 3 })
 * // [{ session: 'b1', anomalous: true, position: 2, event: 'E9', rank: Infinity, probability: 0, expected: ['E2', 'E3', '<end>'] }]
 */
export function detectSessions(m: EventModel, sessions: ReadonlyArray<{ session: string; events: readonly string[] }>, t: Threshold): Detection[] {
  const encoded = sessions.map((s) => m.vocab.encodeSession(s.events));
  const w = nextEventWindows(encoded, m.history);
  const logits = nextEventLogits(m, w.contexts, w.count);
  const V = m.vocab.size;
  let k = 0;
  return sessions.map((s, i) => {
    const ids = encoded[i]!;
    const base = k;
    k += ids.length - 1;
    for (let t1 = 1; t1 < ids.length; t1++) {
      const row = logits.subarray((base + t1 - 1) * V, (base + t1) * V);
      const raw = t1 <= s.events.length ? s.events[t1 - 1]! : m.vocab.name(END_ID);
      const v = verdictAt(m, row, ids[t1]!, raw, t1, t);
      if (v) return { session: s.session, ...v };
    }
    return { session: s.session, anomalous: false };
  });
}

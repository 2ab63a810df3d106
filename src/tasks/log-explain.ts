import { END_ID, nextEventWindows, timeMajor, UNKNOWN_ID } from '../data/logs/event-windows.js';
import { withEval } from '../nn/with-eval.js';
import { detectSessions, isUnexpected, nextEventLogits, probabilityOf, rankOf, topIds, type Detection, type EventModel, type Threshold } from './log-detect.js';

/** One next event of a session as the model saw it. */
export interface ExplainedEvent {
  /** 1-based position (events + 1 is the session's end). */
  position: number;
  /** The event as given ('<end>' for the end of the session). */
  event: string;
  /** Whether training saw this event (an unseen one has rank Infinity and probability 0). */
  known: boolean;
  /** Rank among the events that can come next (1 = most expected), as `recur detect` ranks. */
  rank: number;
  probability: number;
  /** Unexpected under the threshold (outside the top g, or less likely than p). */
  unexpected: boolean;
  /** The `topK` events the model expected most, with their probabilities, most likely first. */
  top: Array<{ event: string; probability: number }>;
}

/** A session explained event by event, with the verdict `recur detect` gives it. */
export interface SessionExplanation {
  session: string;
  events: ExplainedEvent[];
  /** detectSessions' verdict for this session: its position is the first unexpected event of `events`. */
  detection: Detection;
  /** Hidden units of the top recurrent layer after reading each event's context, [events.length, H] row-major. */
  hidden: Float32Array;
  H: number;
}

/**
 * Every next event of a session (with END) scored as `recur detect` scores it: the rank and
 * probability of the actual event given the previous h, the events expected most, and the
 * hidden state the prediction came from. The verdict is detectSessions' own, so a page
 * showing this agrees with the CLI.
 *
 * @example
 * const x = explainSession(m, { session: 'b1', events: ['E5', 'E22'] }, { kind: 'top', g: 9 });
 * x.events.map((e) => e.rank) // e.g. [1, 1, 2]: E5, E22, <end>
 * x.detection.anomalous       // false
 */
export function explainSession(m: EventModel, s: { session: string; events: readonly string[] }, t: Threshold, topK = 5): SessionExplanation {
  const ids = m.vocab.encodeSession(s.events);
  const w = nextEventWindows([ids], m.history);
  const logits = nextEventLogits(m, w.contexts, w.count);
  const V = m.vocab.size;
  const events: ExplainedEvent[] = [];
  for (let k = 0; k < w.count; k++) {
    const row = logits.subarray(k * V, (k + 1) * V);
    const target = w.targets[k]!;
    events.push({
      position: k + 1,
      event: k < s.events.length ? s.events[k]! : m.vocab.name(END_ID),
      known: target !== UNKNOWN_ID,
      rank: rankOf(row, target),
      probability: probabilityOf(row, target),
      unexpected: isUnexpected(row, target, t),
      top: topIds(row, topK).map((j) => ({ event: m.vocab.name(j), probability: probabilityOf(row, j) })),
    });
  }
  const [detection] = detectSessions(m, [s], t);
  const { hidden, H } = hiddenStates(m, w.contexts, w.count);
  return { session: s.session, events, detection: detection!, hidden, H };
}

/** The top layer's hidden state at the last step of each context, [count, H] row-major. */
function hiddenStates(m: EventModel, contexts: Int32Array, count: number): { hidden: Float32Array; H: number } {
  const h = m.history;
  return withEval(m.model, () => {
    const items = Array.from({ length: count }, (_, k) => k);
    const x = m.model.embedding.forward(timeMajor(contexts, h, items), [h, count]);
    const out = m.model.rnn.forward(x).output; // [h, count, H]
    const H = out.shape[2]!;
    return { hidden: out.data.slice((h - 1) * count * H, h * count * H), H };
  });
}

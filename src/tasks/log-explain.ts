import { END_ID, nextEventWindows, timeMajor, UNKNOWN_ID } from '../data/logs/event-windows.js';
import { withEval } from '../nn/with-eval.js';
import { detectSessions, isUnexpected, nextEventLogits, probabilityOf, rankOf, topIds, verdictAt, type Detection, type EventModel, type Threshold } from './log-detect.js';

/** Contexts run through the model at once for hidden states (memory: batch x history x hidden floats per layer). */
const BATCH = 512;

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
  /** Each event and the end; a cut session (`dropped` > 0) has no end: where it ends is unknown. */
  events: ExplainedEvent[];
  /**
   * detectSessions' verdict for this session: its position is the first unexpected event of
   * `events`. For a cut session, the first unexpected of the events kept (normal: none there).
   */
  detection: Detection;
  /** Hidden units of the top recurrent layer after reading each of the first `hiddenRows` events' context, [hiddenRows, H] row-major. */
  hidden: Float32Array;
  hiddenRows: number;
  H: number;
}

/**
 * Every next event of a session (with END) scored as `recur detect` scores it: the rank and
 * probability of the actual event given the previous h, the events expected most, and the
 * hidden state the prediction came from (for the first `hiddenFor` events only: a page draws
 * a few hundred). The verdict is detectSessions' own, so a page showing this agrees with the
 * CLI. A session with `dropped` events (cut when read) is scored without its END, and its
 * verdict covers the events given: the first unexpected one, as detect finds it too.
 *
 * @example
 * const x = explainSession(m, { session: 'b1', events: ['E5', 'E22'] }, { kind: 'top', g: 9 });
 * x.events.map((e) => e.rank) // e.g. [1, 1, 2]: E5, E22, <end>
 * x.detection.anomalous       // false
 */
export function explainSession(
  m: EventModel,
  s: { session: string; events: readonly string[]; dropped?: number },
  t: Threshold,
  topK = 5,
  hiddenFor = Infinity,
): SessionExplanation {
  const cut = (s.dropped ?? 0) > 0;
  const ids = m.vocab.encodeSession(s.events);
  const w = nextEventWindows([ids], m.history);
  // A cut session's END window is left out: the session goes on past the events kept.
  const count = cut ? w.count - 1 : w.count;
  const logits = nextEventLogits(m, w.contexts, count);
  const V = m.vocab.size;
  const events: ExplainedEvent[] = [];
  let firstUnexpected: Omit<Detection, 'session'> | null = null;
  for (let k = 0; k < count; k++) {
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
    if (cut && !firstUnexpected) firstUnexpected = verdictAt(m, row, target, s.events[k]!, k + 1, t);
  }
  const detection = cut ? { session: s.session, ...(firstUnexpected ?? { anomalous: false }) } : detectSessions(m, [s], t)[0]!;
  const hiddenRows = Math.min(count, hiddenFor);
  const { hidden, H } = hiddenStates(m, w.contexts, hiddenRows);
  return { session: s.session, events, detection, hidden, hiddenRows, H };
}

/** The top layer's hidden state at the last step of the first `count` contexts, [count, H] row-major, BATCH contexts at a time. */
function hiddenStates(m: EventModel, contexts: Int32Array, count: number): { hidden: Float32Array; H: number } {
  const h = m.history;
  const H = m.model.config.hiddenSize;
  const hidden = new Float32Array(count * H);
  withEval(m.model, () => {
    for (let from = 0; from < count; from += BATCH) {
      const B = Math.min(BATCH, count - from);
      const items = Array.from({ length: B }, (_, b) => from + b);
      const x = m.model.embedding.forward(timeMajor(contexts, h, items), [h, B]);
      const out = m.model.rnn.forward(x).output; // [h, B, H]
      hidden.set(out.data.subarray((h - 1) * B * H, h * B * H), from * H);
    }
  });
  return { hidden, H };
}

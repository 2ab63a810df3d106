import { END_ID, PAD_ID, START_ID } from '../data/logs/event-windows.js';
import { SessionCloser, type CloseReason } from '../data/logs/stream-sessions.js';
import { detectSessions, nextEventLogits, verdictAt, type Detection, type EventModel, type Threshold } from './log-detect.js';

/** A session's verdict as it closes, with why it closed and how many events it had. */
export type ClosedSession = Detection & { closed: CloseReason | 'complete'; events: number };

export interface StreamDetectorOptions {
  threshold: Threshold;
  report: (d: ClosedSession) => void;
  /** Close a session after this many input lines without an event of it (0 = only at its end event or the end of input). */
  idle?: number;
  /** Most sessions open at once (the least recently active is closed, unjudged at its end). */
  maxOpen?: number;
}

/** What an open session keeps: its last h ids, how many events it had, and its first unexpected event. */
interface OpenSession {
  window: Int32Array;
  events: number;
  verdict: Omit<Detection, 'session'> | null;
}

/** Complete sessions judged together (one batched pass instead of one per event). */
const SESSION_BATCH = 256;

/**
 * Judges sessions as they close, in memory bounded by the number of open sessions (each keeps
 * h ids, not its events). Events arrive one at a time (`event`, with `tick` once per input line)
 * or as whole sessions (`session`). Each event is judged against the model's expectation from
 * the previous h; a session's end is judged as the END event when it closes by its end event,
 * idleness or the end of input (an evicted session is reported unjudged at its end).
 *
 * @example
 * const d = new StreamDetector(m, { threshold: { kind: 'top', g: 3 }, idle: 1000, report: (r) => console.log(r) });
 * d.event('blk_1', 'E5'); d.tick(); ...; d.end();
 */
export class StreamDetector {
  private readonly closer: SessionCloser<OpenSession>;
  private readonly pending: Array<{ session: string; events: string[] }> = [];

  constructor(
    private readonly m: EventModel,
    private readonly o: StreamDetectorOptions,
  ) {
    this.closer = new SessionCloser<OpenSession>({
      open: () => ({ window: startWindow(m.history), events: 0, verdict: null }),
      onClose: (id, s, reason) => this.close(id, s, reason),
      idle: o.idle,
      maxOpen: o.maxOpen,
    });
  }

  /** Sessions open now. */
  get open(): number {
    return this.closer.open;
  }

  /** One event of session `id`; `ends` closes the session after it. */
  event(id: string, event: string, ends = false): void {
    this.closer.event(
      id,
      (s) => {
        const target = this.m.vocab.id(event);
        if (!s.verdict) s.verdict = this.judge(s.window, target, event, s.events + 1);
        s.window.copyWithin(0, 1);
        s.window[s.window.length - 1] = target;
        s.events++;
      },
      ends,
    );
  }

  /** One input line has passed (for idle closing). */
  tick(): void {
    this.closer.tick();
  }

  /** A whole session; judged with others in one batched pass. */
  session(id: string, events: string[]): void {
    this.pending.push({ session: id, events });
    if (this.pending.length >= SESSION_BATCH) this.flush();
  }

  /** End of input: judges what is pending and closes every open session. */
  end(): void {
    this.flush();
    this.closer.closeAll();
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    const verdicts = detectSessions(this.m, batch, this.o.threshold);
    verdicts.forEach((d, i) => this.o.report({ ...d, closed: 'complete', events: batch[i]!.events.length }));
  }

  private judge(window: Int32Array, target: number, raw: string, position: number): Omit<Detection, 'session'> | null {
    const row = nextEventLogits(this.m, window, 1);
    return verdictAt(this.m, row, target, raw, position, this.o.threshold);
  }

  private close(id: string, s: OpenSession, reason: CloseReason): void {
    if (!s.verdict && reason !== 'evicted') s.verdict = this.judge(s.window, END_ID, this.m.vocab.name(END_ID), s.events + 1);
    this.o.report({ session: id, ...(s.verdict ?? { anomalous: false }), closed: reason, events: s.events });
  }
}

/** The window before a session's first event: PAD ... PAD START. */
function startWindow(h: number): Int32Array {
  const w = new Int32Array(h).fill(PAD_ID);
  w[h - 1] = START_ID;
  return w;
}

import { FormatError, OptionError } from '../../errors.js';
import { MAX_LINE_LENGTH } from './lines.js';

/**
 * Splits a stream of text chunks into lines in bounded memory: a line longer than
 * `maxLineLength` keeps its start and the rest is dropped as it arrives (counted in `truncated`),
 * so input without newlines cannot grow the buffer. Blank lines are skipped; \r\n and \r end lines.
 *
 * @example
 * const s = new LineSplitter(4);
 * s.push('ab\ncdefgh'); // ['ab']
 * s.end();              // ['cdef'] (s.truncated === 1)
 */
export class LineSplitter {
  truncated = 0;
  private partial = '';
  private cut = false;

  constructor(readonly maxLineLength = MAX_LINE_LENGTH) {
    if (!Number.isInteger(maxLineLength) || maxLineLength < 1) throw new OptionError(`maxLineLength must be a positive integer, got ${maxLineLength}`);
  }

  push(chunk: string): string[] {
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = nextBreak(chunk, start);
      const piece = chunk.slice(start, nl < 0 ? chunk.length : nl);
      this.append(piece);
      if (nl < 0) break;
      this.flush(out);
      start = nl + (chunk[nl] === '\r' && chunk[nl + 1] === '\n' ? 2 : 1);
    }
    return out;
  }

  end(): string[] {
    const out: string[] = [];
    this.flush(out);
    return out;
  }

  private append(piece: string): void {
    const room = this.maxLineLength - this.partial.length;
    if (piece.length > room) {
      this.partial += piece.slice(0, room);
      this.cut = true;
    } else this.partial += piece;
  }

  private flush(out: string[]): void {
    if (this.cut) this.truncated++;
    if (this.partial.trim() !== '') out.push(this.partial);
    this.partial = '';
    this.cut = false;
  }
}

function nextBreak(s: string, from: number): number {
  const n = s.indexOf('\n', from);
  const r = s.indexOf('\r', from);
  return n < 0 ? r : r < 0 ? n : Math.min(n, r);
}

/**
 * UTF-8 decoding of a byte stream chunk by chunk, refusing binary data (NUL bytes) and invalid
 * UTF-8 with the byte offset, as `decodeLog` does for whole files.
 */
export class StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private offset = 0;

  constructor(readonly source: string) {}

  push(bytes: Uint8Array): string {
    const nul = bytes.indexOf(0);
    if (nul >= 0) throw new FormatError(`${this.source}: looks binary (a NUL byte at offset ${this.offset + nul}); give text (decompress .gz files first)`);
    try {
      const text = this.decoder.decode(bytes, { stream: true });
      const first = this.offset === 0;
      this.offset += bytes.length;
      return first && text.startsWith('\ufeff') ? text.slice(1) : text;
    } catch {
      throw new FormatError(`${this.source}: is not valid UTF-8 near byte ${this.offset}; convert it first (e.g. iconv -f latin1 -t utf-8)`);
    }
  }

  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw new FormatError(`${this.source}: ends inside a UTF-8 character`);
    }
  }
}

/** Why a session was closed. */
export type CloseReason = 'end-event' | 'idle' | 'evicted' | 'input-end';

/** Most sessions open at once by default (older ones are closed as 'evicted'). */
export const MAX_OPEN_SESSIONS = 100_000;

/**
 * Open sessions of an event stream in bounded memory: each holds a state made by `open`; a
 * session closes when `isEnd` says its event ends it, after `idle` input lines without an event
 * of it, when more than `maxOpen` are open (the least recently active goes), or at the end of
 * input (`closeAll`). Closed sessions are handed to `onClose` with the reason.
 *
 * @example
 * const c = new SessionCloser<string[]>({ open: () => [], idle: 2, onClose: (id, s, why) => console.log(id, s, why) });
 * c.event('a', (s) => s.push('E1')); c.tick(); c.tick(); c.tick(); // logs: a ['E1'] 'idle'
 */
export class SessionCloser<S> {
  private readonly sessions = new Map<string, { state: S; last: number }>();
  private line = 0;

  constructor(
    private readonly o: {
      open: (id: string) => S;
      onClose: (id: string, state: S, reason: CloseReason) => void;
      /** Close after this many input lines without an event of the session (0 = never). */
      idle?: number;
      maxOpen?: number;
    },
  ) {
    const idle = o.idle ?? 0;
    if (!Number.isInteger(idle) || idle < 0) throw new OptionError(`--idle must be a whole number of lines, got ${idle}`);
    const max = o.maxOpen ?? MAX_OPEN_SESSIONS;
    if (!Number.isInteger(max) || max < 1) throw new OptionError(`the most open sessions must be a positive integer, got ${max}`);
  }

  get open(): number {
    return this.sessions.size;
  }

  /** One event of session `id`: `apply` updates its state; `ends` closes it afterwards. */
  event(id: string, apply: (state: S) => void, ends = false): void {
    let s = this.sessions.get(id);
    if (s) this.sessions.delete(id);
    else {
      s = { state: this.o.open(id), last: this.line };
      if (this.sessions.size >= (this.o.maxOpen ?? MAX_OPEN_SESSIONS)) this.closeOldest('evicted');
    }
    s.last = this.line;
    // Re-inserted: the map stays ordered by last activity, the idlest first.
    this.sessions.set(id, s);
    apply(s.state);
    if (ends) this.close(id, 'end-event');
  }

  /** One input line has passed: sessions idle for `idle` lines are closed. */
  tick(): void {
    this.line++;
    const idle = this.o.idle ?? 0;
    if (idle === 0) return;
    for (const [id, s] of this.sessions) {
      if (this.line - s.last <= idle) break;
      this.close(id, 'idle');
    }
  }

  /** Closes every open session (end of input), idlest first. */
  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id, 'input-end');
  }

  private closeOldest(reason: CloseReason): void {
    const first = this.sessions.keys().next();
    if (!first.done) this.close(first.value, reason);
  }

  private close(id: string, reason: CloseReason): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    this.o.onClose(id, s.state, reason);
  }
}

import { FormatError } from '../errors.js';

/**
 * A character vocabulary: the distinct characters (Unicode code points) of a text, sorted,
 * each with an id. Characters unseen in training map to `unknown` (the most frequent one)
 * so sampling from a priming text never fails.
 */
export class Vocabulary {
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;
  /** Id used for characters not in the vocabulary. */
  readonly unknown: number;

  constructor(chars: readonly string[], unknown = 0) {
    if (chars.length === 0) throw new FormatError('Vocabulary: no characters');
    this.chars = [...chars];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
    if (this.index.size !== this.chars.length) throw new FormatError('Vocabulary: duplicate characters');
    this.unknown = unknown;
  }

  /** The vocabulary of a text. */
  static fromText(text: string): Vocabulary {
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const chars = [...counts.keys()].sort();
    let common = chars[0]!;
    for (const c of chars) if (counts.get(c)! > counts.get(common)!) common = c;
    return new Vocabulary(chars, chars.indexOf(common));
  }

  get size(): number {
    return this.chars.length;
  }

  encode(text: string): Int32Array {
    const ids: number[] = [];
    for (const ch of text) ids.push(this.index.get(ch) ?? this.unknown);
    return Int32Array.from(ids);
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!] ?? '';
    return s;
  }
}

/**
 * Decodes a training text, refusing what is not text: empty files, NUL bytes, or invalid
 * UTF-8. `source` names the file in messages.
 */
export function decodeText(bytes: Uint8Array, source: string): string {
  if (bytes.length === 0) throw new FormatError(`${source}: the file is empty; give a text file with some content`);
  const probe = bytes.subarray(0, Math.min(bytes.length, 1 << 16));
  if (probe.includes(0)) {
    throw new FormatError(`${source}: looks binary (it contains NUL bytes); the charlm task needs a UTF-8 text file`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`${source}: is not valid UTF-8 text; convert it to UTF-8 first`);
  }
  if (text.startsWith('\ufeff')) text = text.slice(1);
  if (text.trim().length === 0) throw new FormatError(`${source}: contains only white space`);
  return text;
}

/** A window of parallel text streams for truncated BPTT, time-major. */
export interface TextBatch {
  /** [T * B] ids fed in. */
  inputs: Int32Array;
  /** [T * B] ids to predict (the next character). */
  targets: Int32Array;
  T: number;
  B: number;
}

/**
 * Splits `ids` into B contiguous streams (as char-rnn does) and walks them in windows of
 * `seqLen`, so the state at the end of one window is the right start for the next.
 * `windows()` gives the number of windows per pass; `batch(k)` the k-th window.
 */
export class StreamBatcher {
  readonly streamLength: number;

  constructor(
    private readonly ids: Int32Array,
    readonly B: number,
    readonly seqLen: number,
  ) {
    this.streamLength = Math.floor((ids.length - 1) / B);
    if (this.streamLength < 2) {
      throw new FormatError(`text of ${ids.length} characters is too short for ${B} streams; use a smaller batch`);
    }
  }

  windows(): number {
    return Math.ceil(this.streamLength / this.seqLen);
  }

  batch(k: number): TextBatch {
    const start = k * this.seqLen;
    const T = Math.min(this.seqLen, this.streamLength - start);
    const inputs = new Int32Array(T * this.B);
    const targets = new Int32Array(T * this.B);
    for (let b = 0; b < this.B; b++) {
      const base = b * this.streamLength + start;
      for (let t = 0; t < T; t++) {
        inputs[t * this.B + b] = this.ids[base + t]!;
        targets[t * this.B + b] = this.ids[base + t + 1]!;
      }
    }
    return { inputs, targets, T, B: this.B };
  }
}

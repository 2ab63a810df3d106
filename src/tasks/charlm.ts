import { withEval } from '../nn/with-eval.js';
import { FormatError } from '../errors.js';
import { StreamBatcher, Vocabulary } from '../data/text.js';
import type { RecurrentState } from '../nn/layers/recurrent.js';
import { CharLm, type CharLmConfig } from '../models/char-lm.js';
import { Tensor } from '../tensor/tensor.js';
import { crossEntropy } from '../nn/losses.js';
import { bitsPerCharacter } from '../training/metrics.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../training/task.js';

export interface CharLmTaskOptions {
  model: Omit<CharLmConfig, 'vocabSize'>;
  /** Parallel streams per batch. */
  batchSize: number;
  /** Steps per truncated-BPTT window. */
  seqLen: number;
  /** Fractions of the text (from its end) held out for validation and test. */
  valFraction: number;
  testFraction: number;
  /** At most this many characters of the validation part are scored each time (speed). */
  maxValChars?: number;
  seed: number;
}

/** Characters of the validation part scored at each evaluation (speed), unless told otherwise. */
export const VAL_CHARS = 20_000;

/**
 * The default validation fraction of a text: the part validation scores (VAL_CHARS), within
 * 2-10% of the text. Holding out more would only take text from training: on Moby Dick
 * 2% rather than 10% gave 2.034 bits/char against 2.037-2.047 (README, Choosing defaults).
 */
export function defaultValFraction(chars: number): number {
  return Math.min(0.1, Math.max(0.02, VAL_CHARS / Math.max(1, chars)));
}

/** Splits ids by position: train, then validation, then the last part as test. */
function splitIds(ids: Int32Array, val: number, test: number) {
  const testStart = ids.length - Math.round(ids.length * test);
  const valStart = testStart - Math.round(ids.length * val);
  return { train: ids.subarray(0, valStart), val: ids.subarray(valStart, testStart), test: ids.subarray(testStart) };
}

/**
 * Character language modelling: next-character prediction on a text, trained with
 * truncated BPTT over parallel streams, the state carried (detached) from one window to the
 * next. Metric: bits per character.
 */
export class CharLmTask implements Task {
  readonly kind = 'charlm' as const;
  readonly model: CharLm;
  readonly vocab: Vocabulary;
  private readonly parts: ReturnType<typeof splitIds>;
  private readonly batcher: StreamBatcher;
  private carried: RecurrentState | undefined;

  constructor(
    text: string,
    readonly options: CharLmTaskOptions,
    vocab?: Vocabulary,
  ) {
    this.vocab = vocab ?? Vocabulary.fromText(text);
    const ids = this.vocab.encode(text);
    this.parts = splitIds(ids, options.valFraction, options.testFraction);
    if (this.parts.val.length < 2 || this.parts.test.length < 2) {
      throw new FormatError(`the text (${ids.length} characters) is too short to hold out validation and test parts`);
    }
    this.batcher = new StreamBatcher(this.parts.train, options.batchSize, options.seqLen);
    this.model = new CharLm({ ...options.model, vocabSize: this.vocab.size }, options.seed);
  }

  batchesPerEpoch(): number {
    return this.batcher.windows();
  }

  startEpoch(): void {
    this.carried = undefined;
  }

  trainBatch(_epoch: number, index: number): BatchLoss {
    const b = this.batcher.batch(index);
    const { logits, state } = this.model.forward(b.inputs, b.T, b.B, this.carried);
    // Truncated BPTT: the next window starts from this state, but gradients stop here.
    this.carried = { h: state.h.detach(), ...(state.c ? { c: state.c.detach() } : {}) };
    return { loss: crossEntropy(logits, b.targets), timesteps: b.T * b.B };
  }

  /** Mean bits per character of the model on `ids`, read as a few parallel streams. */
  bitsPerChar(ids: Int32Array, streams = 8, window = 256): number {
    return withEval(this.model, () => {
      const B = Math.max(1, Math.min(streams, Math.floor((ids.length - 1) / 2)));
      const batcher = new StreamBatcher(ids, B, window);
      let state: RecurrentState | undefined;
      let nats = 0;
      let count = 0;
      for (let k = 0; k < batcher.windows(); k++) {
        const b = batcher.batch(k);
        const r = this.model.forward(b.inputs, b.T, b.B, state);
        state = r.state;
        nats += crossEntropy(r.logits, b.targets).data[0]! * b.T * b.B;
        count += b.T * b.B;
      }
      const mean = nats / count;
      // A diverged model's NaN is reported as such, for the Trainer to stop on.
      return Number.isNaN(mean) ? NaN : bitsPerCharacter(mean);
    });
  }

  validate(): Validation {
    const max = this.options.maxValChars ?? VAL_CHARS;
    const bpc = this.bitsPerChar(this.parts.val.subarray(0, max));
    return { name: 'val_bpc', value: bpc, mode: 'min', metrics: { val_bpc: bpc } };
  }

  evaluate(): EvalReport {
    return { bpc: this.bitsPerChar(this.parts.test), unigram_bpc: this.unigramBpc(), chars: this.parts.test.length };
  }

  /** Bits per character of a unigram model fitted on the training part (add-one smoothing). */
  unigramBpc(): number {
    const counts = new Float64Array(this.vocab.size).fill(1);
    for (const id of this.parts.train) counts[id]! += 1;
    const total = counts.reduce((a, b) => a + b, 0);
    let bits = 0;
    for (const id of this.parts.test) bits -= Math.log2(counts[id]! / total);
    return bits / this.parts.test.length;
  }

  describe(): Record<string, unknown> {
    return { vocab: this.vocab.chars, unknown: this.vocab.unknown };
  }

  getState(): TaskState {
    const tensors: Record<string, Float32Array> = {};
    if (this.carried) {
      tensors.carried_h = this.carried.h.data;
      if (this.carried.c) tensors.carried_c = this.carried.c.data;
    }
    return { json: {}, tensors };
  }

  setState(state: TaskState): void {
    const h = state.tensors.carried_h;
    if (!h) {
      this.carried = undefined;
      return;
    }
    const zero = this.model.rnn.zeroState(this.options.batchSize);
    const c = state.tensors.carried_c;
    this.carried = { h: new Tensor(h, zero.h.shape), ...(c && zero.c ? { c: new Tensor(c, zero.c.shape) } : {}) };
  }
}

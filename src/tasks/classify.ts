import { withEval } from '../nn/with-eval.js';
import { FormatError } from '../errors.js';
import { tokenize, TokenVocabulary, type LabelledExample } from '../data/labelled.js';
import { SequenceClassifier, type ClassifierConfig } from '../models/sequence-classifier.js';
import { EpochOrder, Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { crossEntropy } from '../nn/losses.js';
import { accuracy, confusionMatrix } from '../training/metrics.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../training/task.js';

export interface ClassifyTaskOptions {
  model: Pick<ClassifierConfig, 'cell' | 'hiddenSize' | 'numLayers' | 'dropout' | 'bidirectional' | 'embeddingDim' | 'forgetBias'>;
  tokens: 'char' | 'word';
  /** Longer sequences keep their last `maxLen` steps. */
  maxLen: number;
  batchSize: number;
  testFraction: number;
  valFraction: number;
  seed: number;
}

/** What a checkpoint keeps to encode new inputs exactly as in training. */
export interface ClassifyEncoding {
  labels: string[];
  vocab: string[] | null;
  tokens: 'char' | 'word';
  maxLen: number;
  /** Per-feature mean and std for numeric sequences. */
  scale: Array<{ mean: number; std: number }> | null;
}

/** One example as the model reads it: token ids or scaled numeric steps, and its label's index. */
export interface EncodedExample {
  ids: number[] | null;
  steps: number[][] | null;
  label: number;
}

/** Encodes examples for the model: token ids or scaled numeric steps, the label as an index. */
export function encodeExamples(examples: LabelledExample[], enc: ClassifyEncoding, vocab: TokenVocabulary | null): EncodedExample[] {
  return examples.map((e) => {
    const label = enc.labels.indexOf(e.label);
    if (e.text !== undefined) {
      if (!vocab) throw new FormatError('this model reads numeric sequences, but a record holds text');
      return { ids: vocab.encode(tokenize(e.text, enc.tokens)).slice(-enc.maxLen), steps: null, label };
    }
    if (!enc.scale) throw new FormatError('this model reads text, but a record holds a numeric sequence');
    const F = enc.scale.length;
    const bad = e.steps!.find((s) => s.length !== F);
    if (bad) throw new FormatError(`a record has ${bad.length} features per step; this model reads ${F}`);
    const steps = e.steps!.slice(-enc.maxLen).map((s) => s.map((v, k) => (v - enc.scale![k]!.mean) / enc.scale![k]!.std));
    return { ids: null, steps, label };
  });
}

/** Sequence classification: text (characters or words) or numeric sequences -> a label. */
export class ClassifyTask implements Task {
  readonly kind = 'classify' as const;
  readonly model: SequenceClassifier;
  readonly encoding: ClassifyEncoding;
  private readonly vocab: TokenVocabulary | null;
  private readonly train: EncodedExample[];
  private readonly val: EncodedExample[];
  private readonly test: EncodedExample[];
  private epochOrder: EpochOrder<EncodedExample> | null = null;

  /** `encoding` (from a checkpoint) encodes as in training instead of fitting on these examples. */
  constructor(examples: LabelledExample[], readonly options: ClassifyTaskOptions, encoding?: ClassifyEncoding) {
    const shuffled = new Rng(options.seed).shuffled(examples);
    const nTest = Math.round(shuffled.length * options.testFraction);
    const nVal = Math.round((shuffled.length - nTest) * options.valFraction);
    const testPart = shuffled.slice(0, nTest);
    const valPart = shuffled.slice(nTest, nTest + nVal);
    const trainPart = shuffled.slice(nTest + nVal);
    if (trainPart.length < 2 || valPart.length < 1 || testPart.length < 1) {
      throw new FormatError(`${examples.length} records are too few to split into training, validation and test parts`);
    }
    if (encoding) {
      this.encoding = encoding;
      this.vocab = encoding.vocab ? new TokenVocabulary(encoding.vocab) : null;
      const unknown = examples.find((e) => !encoding.labels.includes(e.label));
      if (unknown) throw new FormatError(`label '${unknown.label}' was not among the trained labels (${encoding.labels.join(', ')})`);
    } else {
      const numeric = trainPart[0]!.steps !== undefined;
      this.vocab = numeric ? null : TokenVocabulary.fit(trainPart.map((e) => tokenize(e.text ?? '', options.tokens)));
      this.encoding = {
        labels: [...new Set(examples.map((e) => e.label))].sort(),
        vocab: this.vocab ? this.vocab.tokens.slice(1) : null,
        tokens: options.tokens,
        maxLen: options.maxLen,
        scale: numeric ? fitStepScale(trainPart) : null,
      };
    }
    const labels = this.encoding.labels;
    this.train = encodeExamples(trainPart, this.encoding, this.vocab);
    this.val = encodeExamples(valPart, this.encoding, this.vocab);
    this.test = encodeExamples(testPart, this.encoding, this.vocab);
    const config: ClassifierConfig = {
      ...options.model,
      vocabSize: this.vocab ? this.vocab.size : 0,
      inputSize: this.encoding.scale ? this.encoding.scale.length : 0,
      numClasses: labels.length,
    };
    this.model = new SequenceClassifier(config, options.seed);
  }

  batchesPerEpoch(): number {
    return Math.ceil(this.train.length / this.options.batchSize);
  }

  startEpoch(): void {}

  trainBatch(epoch: number, index: number): BatchLoss {
    this.epochOrder ??= new EpochOrder(this.train, this.options.seed);
    const order = this.epochOrder.of(epoch);
    const items = order.slice(index * this.options.batchSize, (index + 1) * this.options.batchSize);
    const { logits, steps } = this.logits(items);
    return { loss: crossEntropy(logits, Int32Array.from(items.map((e) => e.label))), timesteps: steps };
  }

  /** Pads a batch time-major and runs the model: logits [B, classes]. */
  logits(items: EncodedExample[]): { logits: Tensor; steps: number } {
    const B = items.length;
    const lengths = items.map((e) => Math.max(1, (e.ids ?? e.steps!).length));
    const T = Math.max(...lengths);
    if (this.vocab) {
      const ids = new Int32Array(T * B);
      items.forEach((e, b) => e.ids!.forEach((id, t) => (ids[t * B + b] = id)));
      return { logits: this.model.forward(ids, T, B, lengths), steps: lengths.reduce((a, b) => a + b, 0) };
    }
    const F = this.encoding.scale!.length;
    const x = new Float32Array(T * B * F);
    items.forEach((e, b) => e.steps!.forEach((s, t) => x.set(s, (t * B + b) * F)));
    return { logits: this.model.forward(new Tensor(x, [T, B, F]), T, B, lengths), steps: lengths.reduce((a, b) => a + b, 0) };
  }

  /** Predicted class index of each item. */
  predict(items: EncodedExample[]): number[] {
    return withEval(this.model, () => {
      const out: number[] = [];
      for (let i = 0; i < items.length; i += 64) {
        const { logits } = this.logits(items.slice(i, i + 64));
        const C = logits.shape[1]!;
        for (let b = 0; b < logits.shape[0]!; b++) {
          let best = 0;
          for (let c = 1; c < C; c++) if (logits.data[b * C + c]! > logits.data[b * C + best]!) best = c;
          out.push(best);
        }
      }
      return out;
    });
  }

  validate(): Validation {
    const acc = accuracy(labelsOf(this.val), this.predict(this.val));
    return { name: 'val_accuracy', value: acc, mode: 'max', metrics: { val_accuracy: acc } };
  }

  evaluate(): EvalReport {
    const pred = this.predict(this.test);
    const actual = labelsOf(this.test);
    const classes = this.encoding.labels.map((_, i) => i);
    const counts = classes.map(() => 0);
    for (const e of this.train) counts[e.label]!++;
    // The baseline: always the training part's most frequent label.
    const majority = counts.indexOf(Math.max(...counts));
    return {
      accuracy: accuracy(actual, pred),
      majority_accuracy: accuracy(actual, actual.map(() => majority)),
      test_records: this.test.length,
      labels: this.encoding.labels,
      confusion: confusionMatrix(actual, pred, { labels: classes }).matrix,
    };
  }

  describe(): Record<string, unknown> {
    return { encoding: this.encoding };
  }

  getState(): TaskState {
    return { json: {}, tensors: {} };
  }

  setState(): void {}
}

function labelsOf(items: EncodedExample[]): number[] {
  return items.map((e) => e.label);
}


function fitStepScale(examples: LabelledExample[]): Array<{ mean: number; std: number }> {
  const F = examples[0]!.steps![0]!.length;
  return Array.from({ length: F }, (_, k) => {
    const vals = examples.flatMap((e) => e.steps!.map((s) => s[k]!));
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    const std = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length) || 1;
    return { mean, std };
  });
}

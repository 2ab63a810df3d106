import { FormatError } from '../errors.js';
import { EventVocabulary, nextEventWindows, timeMajor } from '../data/logs/event-windows.js';
import type { LogSession } from '../data/logs/sessions.js';
import { splitSessions, type SessionSplit } from '../data/logs/anomaly/split.js';
import { runBaselines } from '../data/logs/anomaly/hdfs-benchmark.js';
import { scoreDetection, separableCeiling } from '../data/logs/anomaly/evaluate.js';
import { CharLm, type CharLmConfig } from '../models/char-lm.js';
import type { Module } from '../nn/module.js';
import { timeStep } from '../autograd/nn-ops.js';
import { crossEntropy } from '../nn/losses.js';
import { EpochOrder } from '../tensor/random.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../training/task.js';
import { chooseThreshold, isFlagged, scoreSessions, type ChosenThreshold, type EventModel, type SessionScore } from './log-detect.js';

/** DeepLog's history: the next event is predicted from the previous 10 (Du et al., CCS 2017). */
export const DEFAULT_HISTORY = 10;

/** Both thresholds chosen on validation. */
/** The two detection thresholds chosen on validation: a probability one and a top-g one. */
export type ChosenThresholds = { threshold: ChosenThreshold; top: ChosenThreshold };

export interface LogsTaskOptions {
  model: Omit<CharLmConfig, 'vocabSize'>;
  /** Previous events the model reads (h). */
  history: number;
  /** Next-event examples per batch. */
  batchSize: number;
  /** Shares of the normal sessions held out for validation and test (labelled anomalies go to these two only). */
  valFraction: number;
  testFraction: number;
  seed: number;
}

/** What a checkpoint keeps to read new sessions as in training and flag them. */
export interface LogsEncoding {
  /** The training sessions' events, in vocabulary order (ids from 4; 0-3 are PAD, UNKNOWN, START, END). */
  events: string[];
  history: number;
  /** The default threshold (a probability) and DeepLog's top-g, both chosen on validation (see chooseThreshold). */
  threshold: ChosenThreshold;
  top: ChosenThreshold;
}

/**
 * DeepLog-style log anomaly detection (issue #23): an LSTM predicts each session's next event
 * from the previous h (with START and END events, so a session that stops early is caught),
 * trained on normal sessions only; labelled anomalies go to validation and test. A session is
 * anomalous at its first event less likely than a threshold p (or, DeepLog's rule, outside the
 * model's g most likely), both chosen on validation; an event training never saw always is.
 */
export class LogsTask implements Task {
  readonly kind = 'logs' as const;
  readonly model: CharLm;
  readonly vocab: EventVocabulary;
  readonly split: SessionSplit;
  private readonly train: { contexts: Int32Array; targets: Int32Array; count: number };
  private readonly order: EpochOrder<number>;
  /**
   * The thresholds and the fingerprint of the weights they were chosen for (null: from a
   * checkpoint, for the weights loaded with it), so restored-best weights get their own.
   */
  private threshold: { chosen: ChosenThresholds; fingerprint: number | null } | null;

  /** `encoding` (from a checkpoint) reads events as in training instead of fitting a vocabulary. */
  constructor(readonly sessions: readonly LogSession[], readonly options: LogsTaskOptions, encoding?: LogsEncoding) {
    const trainFraction = 1 - options.valFraction - options.testFraction;
    this.split = splitSessions(sessions, { seed: options.seed, trainFraction, validationFraction: options.valFraction });
    if (!sessions.some((s) => s.label !== 'anomaly')) throw new FormatError(`all ${sessions.length} sessions are labelled anomalies; training needs normal sessions (label "normal" or none)`);
    if (this.split.train.length < 1 || this.split.validation.length < 1 || this.split.test.length < 1) {
      throw new FormatError(`${sessions.length} sessions are too few to split into training, validation and test parts (training takes normal sessions only)`);
    }
    this.vocab = encoding ? new EventVocabulary(encoding.events) : EventVocabulary.fit(this.split.train.map((s) => s.events));
    this.threshold = encoding ? { chosen: { threshold: encoding.threshold, top: encoding.top }, fingerprint: null } : null;
    this.train = nextEventWindows(this.split.train.map((s) => this.vocab.encodeSession(s.events)), options.history);
    this.order = new EpochOrder(Array.from({ length: this.train.count }, (_, i) => i), options.seed);
    this.model = new CharLm({ ...options.model, vocabSize: this.vocab.size }, options.seed);
  }

  get eventModel(): EventModel {
    return { model: this.model, vocab: this.vocab, history: this.options.history };
  }

  batchesPerEpoch(): number {
    return Math.ceil(this.train.count / this.options.batchSize);
  }

  startEpoch(): void {}

  trainBatch(epoch: number, index: number): BatchLoss {
    if (this.threshold?.fingerprint === null) this.threshold = null;
    const h = this.options.history;
    const items = this.order.of(epoch).slice(index * this.options.batchSize, (index + 1) * this.options.batchSize);
    const { logits } = this.model.forward(timeMajor(this.train.contexts, h, items), h, items.length);
    const targets = Int32Array.from(items, (k) => this.train.targets[k]!);
    return { loss: crossEntropy(timeStep(logits, h - 1), targets), timesteps: items.length * h };
  }

  /** Watched: mean NLL of the next events of the normal validation sessions; also the F1 there. */
  validate(): Validation {
    const val = this.split.validation;
    const scores = scoreSessions(this.eventModel, val.map((s) => s.events));
    const normal = scores.filter((_, i) => val[i]!.label !== 'anomaly');
    // All of validation if it holds no normal session (a NaN would read as divergence).
    const pool = normal.length ? normal : scores;
    const steps = pool.reduce((a, s) => a + s.steps, 0);
    const nll = steps ? pool.reduce((a, s) => a + s.nll * s.steps, 0) / steps : 0;
    const chosen = this.chooseFrom(scores);
    const metrics: Record<string, number> = { val_nll: nll };
    if (chosen.threshold.rule === 'validation-f1') metrics.val_f1 = chosen.threshold.value;
    return { name: 'val_nll', value: nll, mode: 'min', metrics };
  }

  private chooseFrom(scores: SessionScore[]): ChosenThresholds {
    const labels = this.split.validation.map((s) => s.label === 'anomaly');
    const maxG = this.vocab.size - 3;
    const chosen = { threshold: chooseThreshold('probability', scores, labels, maxG), top: chooseThreshold('top', scores, labels, maxG) };
    this.threshold = { chosen, fingerprint: fingerprint(this.model) };
    return chosen;
  }

  /** The thresholds for the current weights: chosen on validation (again if the weights changed since). */
  chosenThresholds(): ChosenThresholds {
    const t = this.threshold;
    if (t && (t.fingerprint === null || t.fingerprint === fingerprint(this.model))) return t.chosen;
    return this.chooseFrom(scoreSessions(this.eventModel, this.split.validation.map((s) => s.events)));
  }

  evaluate(): EvalReport {
    const { threshold, top } = this.chosenThresholds();
    const test = this.split.test;
    const scores = scoreSessions(this.eventModel, test.map((s) => s.events));
    // chooseThreshold returns the kind it is asked for.
    const p = threshold.threshold.kind === 'probability' ? threshold.threshold.p : 0;
    const g = top.threshold.kind === 'top' ? top.threshold.g : Infinity;
    const flags = scores.map((s) => isFlagged(s, threshold.threshold));
    const topFlags = scores.map((s) => isFlagged(s, top.threshold));
    const labels = test.map((s) => s.label === 'anomaly');
    const report: EvalReport = {
      threshold_p: p,
      g,
      test_sessions: test.length,
      test_anomalies: labels.filter(Boolean).length,
      flagged: flags.filter(Boolean).length,
    };
    if (!labels.some(Boolean)) return report;
    const ours = scoreDetection(flags, labels);
    const deeplog = scoreDetection(topFlags, labels);
    return {
      ...report,
      precision: ours.precision,
      recall: ours.recall,
      f1: ours.f1,
      top_g_precision: deeplog.precision,
      top_g_recall: deeplog.recall,
      top_g_f1: deeplog.f1,
      ...baselineReport(this.sessions, this.options, this.vocab.size, test),
    };
  }

  describe(): Record<string, unknown> {
    const encoding: LogsEncoding = { events: [...this.vocab.events], history: this.options.history, ...this.chosenThresholds() };
    return { encoding };
  }

  getState(): TaskState {
    return { json: {}, tensors: {} };
  }

  setState(): void {}
}

/**
 * What simpler detectors score on the same test sessions, for the eval report beside a logs
 * model's own scores: the n-gram baseline and the unseen-event rule on the same split as
 * `options` make, and the ceiling of any detector that sees only each session's events.
 * `vocabSize` counts the vocabulary's special ids too (the n-gram's top-g stops 3 below it).
 * @example const report = { f1: ours.f1, ...baselineReport(sessions, options, vocab.size, split.test) };
 */
export function baselineReport(sessions: readonly LogSession[], options: LogsTaskOptions, vocabSize: number, test: readonly LogSession[]): EvalReport {
  const o = options;
  const base = runBaselines(sessions, { seed: o.seed, trainFraction: 1 - o.valFraction - o.testFraction, validationFraction: o.valFraction, history: o.history, maxG: vocabSize - 3 });
  const ceiling = separableCeiling(test.map((s) => [s.events, s.label === 'anomaly'] as const));
  return {
    ngram_precision: base.ngram.precision,
    ngram_recall: base.ngram.recall,
    ngram_f1: base.ngram.f1,
    ngram_g: base.g,
    unseen_precision: base.unseen.precision,
    unseen_recall: base.unseen.recall,
    unseen_f1: base.unseen.f1,
    ceiling_f1: ceiling.f1,
    ceiling_precision: ceiling.atBest.precision,
    ceiling_recall: ceiling.atBest.recall,
    separable_recall: ceiling.recall,
  };
}

/** A hash of a model's parameters (FNV-1a over their bits): equal weights, equal hash. */
export function fingerprint(model: Module): number {
  let h = 0x811c9dc5;
  for (const [, p] of model.namedParameters()) {
    const bits = new Uint32Array(p.data.buffer, p.data.byteOffset, p.data.length);
    for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
  }
  return h >>> 0;
}

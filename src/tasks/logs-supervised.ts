import { FormatError } from '../errors.js';
import { EventVocabulary, UNKNOWN_ID } from '../data/logs/event-windows.js';
import type { LogSession } from '../data/logs/sessions.js';
import { splitSessions, type SessionSplit } from '../data/logs/anomaly/split.js';
import { scoreDetection } from '../data/logs/anomaly/evaluate.js';
import { SequenceClassifier, type ClassifierConfig } from '../models/sequence-classifier.js';
import { crossEntropy } from '../nn/losses.js';
import { withEval } from '../nn/with-eval.js';
import { EpochOrder, Rng } from '../tensor/random.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../training/task.js';
import { baselineReport, fingerprint, type LogsTaskOptions } from './logs.js';

/** Events a session is read with at most (longer ones keep their last; HDFS's longest has 249). */
export const SUPERVISED_MAX_EVENTS = 512;

/** What a supervised logs checkpoint keeps: the events (ids from 4, as EventVocabulary) and the cut on P(anomaly). */
export interface LogsClassifierEncoding {
  supervised: true;
  events: string[];
  /** A session is flagged when the model gives it P(anomaly) >= this (chosen on validation by F1). */
  cut: number;
}

/**
 * The optional supervised detector of issue #23: a recurrent classifier over a session's event
 * ids (START, events, END) trained on labelled sessions to say normal or anomaly. The split is
 * the DeepLog task's (splitSessions, same seed and fractions), so the test part is the same
 * sessions; since that split keeps anomalies out of training, half of its validation part
 * (seeded, normal and anomalous alike) joins training here and the other half chooses the cut.
 * The classes are weighted to balance (anomalies are few), and, as in the next-event task, a
 * session with an event training never saw is anomalous by definition (P(anomaly) = 1: the
 * model never learnt what the unknown id means).
 */
export class LogsClassifierTask implements Task {
  readonly kind = 'logs' as const;
  readonly model: SequenceClassifier;
  readonly vocab: EventVocabulary;
  readonly split: SessionSplit;
  private readonly order: EpochOrder<LogSession>;
  /** Loss weight of an anomalous session: normal / anomalous sessions in training, so both classes weigh the same. */
  private readonly anomalyWeight: number;
  /** The cut and the fingerprint of the weights it was chosen for (null: from a checkpoint, for its weights). */
  private cut: { value: number; fingerprint: number | null } | null;

  constructor(readonly sessions: readonly LogSession[], readonly options: LogsTaskOptions, encoding?: LogsClassifierEncoding) {
    const unlabelled = sessions.find((s) => s.label === undefined);
    if (unlabelled) throw new FormatError(`--supervised needs every session labelled "normal" or "anomaly"; session '${unlabelled.session}' has no label (train without --supervised to learn from normal sessions only)`);
    const anomalies = sessions.filter((s) => s.label === 'anomaly').length;
    if (anomalies < 4 || anomalies === sessions.length) {
      throw new FormatError(`--supervised needs normal and anomalous sessions (at least 4 anomalies to share between training, validation and test); got ${anomalies} anomalies among ${sessions.length} sessions`);
    }
    const deeplog = splitSessions(sessions, { seed: options.seed, trainFraction: 1 - options.valFraction - options.testFraction, validationFraction: options.valFraction });
    const [toTrain, validation] = halves(deeplog.validation, options.seed);
    this.split = { train: [...deeplog.train, ...toTrain], validation, test: deeplog.test };
    if (!this.split.train.some((s) => s.label === 'anomaly') || !validation.some((s) => s.label === 'anomaly')) {
      throw new FormatError(`${anomalies} labelled anomalies are too few to put some in both training and validation; label more sessions or raise --val-fraction`);
    }
    this.vocab = encoding ? new EventVocabulary(encoding.events) : EventVocabulary.fit(this.split.train.map((s) => s.events));
    this.cut = encoding ? { value: encoding.cut, fingerprint: null } : null;
    this.order = new EpochOrder(this.split.train, options.seed);
    const trainAnomalies = this.split.train.filter((s) => s.label === 'anomaly').length;
    this.anomalyWeight = (this.split.train.length - trainAnomalies) / trainAnomalies;
    const config: ClassifierConfig = { ...options.model, vocabSize: this.vocab.size, inputSize: 0, numClasses: 2 };
    this.model = new SequenceClassifier(config, options.seed);
  }

  batchesPerEpoch(): number {
    return Math.ceil(this.split.train.length / this.options.batchSize);
  }

  startEpoch(): void {}

  trainBatch(epoch: number, index: number): BatchLoss {
    if (this.cut?.fingerprint === null) this.cut = null;
    const items = this.order.of(epoch).slice(index * this.options.batchSize, (index + 1) * this.options.batchSize);
    const { logits, steps } = this.forward(items);
    const targets = Int32Array.from(items, (s) => (s.label === 'anomaly' ? 1 : 0));
    const mask = Float32Array.from(targets, (y) => (y ? this.anomalyWeight : 1));
    return { loss: crossEntropy(logits, targets, { mask }), timesteps: steps };
  }

  /** Logits [B, 2] of sessions read as START, events (the last SUPERVISED_MAX_EVENTS), END. */
  private forward(items: readonly LogSession[]) {
    const encoded = items.map((s) => this.vocab.encodeSession(s.events.slice(-SUPERVISED_MAX_EVENTS)));
    const T = Math.max(...encoded.map((e) => e.length));
    const B = items.length;
    const ids = new Int32Array(T * B); // PAD (0) after each session's end
    encoded.forEach((e, b) => e.forEach((id, t) => (ids[t * B + b] = id)));
    const lengths = encoded.map((e) => e.length);
    return { logits: this.model.forward(ids, T, B, lengths), steps: lengths.reduce((a, b) => a + b, 0) };
  }

  /** P(anomaly) of each session (1 with an event training never saw). */
  anomalyProbabilities(sessions: readonly LogSession[]): number[] {
    return withEval(this.model, () => {
      const out: number[] = [];
      for (let i = 0; i < sessions.length; i += 128) {
        const batch = sessions.slice(i, i + 128);
        const z = this.forward(batch).logits.data;
        batch.forEach((s, b) => out.push(s.events.some((e) => this.vocab.id(e) === UNKNOWN_ID) ? 1 : 1 / (1 + Math.exp(z[2 * b]! - z[2 * b + 1]!))));
      }
      return out;
    });
  }

  /** Watched: the cross-entropy on validation (smoother than its F1, which a few sessions move); also the F1 at the best cut. */
  validate(): Validation {
    const val = this.split.validation;
    const p = this.anomalyProbabilities(val);
    const labels = val.map((s) => s.label === 'anomaly');
    const nll = -p.reduce((a, q, i) => a + Math.log(Math.max(1e-12, labels[i] ? q : 1 - q)), 0) / p.length;
    const { cut, f1 } = chooseCut(p, labels);
    this.cut = { value: cut, fingerprint: fingerprint(this.model) };
    return { name: 'val_nll', value: nll, mode: 'min', metrics: { val_nll: nll, val_f1: f1 } };
  }

  /** The cut for the current weights (chosen on validation again after training moved them). */
  chosenCut(): number {
    const c = this.cut;
    if (c && (c.fingerprint === null || c.fingerprint === fingerprint(this.model))) return c.value;
    this.validate();
    return this.cut!.value;
  }

  evaluate(): EvalReport {
    const cut = this.chosenCut();
    const test = this.split.test;
    const labels = test.map((s) => s.label === 'anomaly');
    const flags = this.anomalyProbabilities(test).map((q) => q >= cut);
    const ours = scoreDetection(flags, labels);
    return {
      supervised_cut: cut,
      test_sessions: test.length,
      test_anomalies: labels.filter(Boolean).length,
      flagged: flags.filter(Boolean).length,
      precision: ours.precision,
      recall: ours.recall,
      f1: ours.f1,
      ...baselineReport(this.sessions, this.options, this.vocab.size, test),
    };
  }

  describe(): Record<string, unknown> {
    const encoding: LogsClassifierEncoding = { supervised: true, events: [...this.vocab.events], cut: this.chosenCut() };
    return { encoding };
  }

  getState(): TaskState {
    return { json: {}, tensors: {} };
  }

  setState(): void {}
}

/** A seeded halving of sessions, each label shared evenly (the first half gets the odd one). */
function halves(sessions: readonly LogSession[], seed: number): [LogSession[], LogSession[]] {
  const rng = new Rng(seed + 1);
  const a: LogSession[] = [];
  const b: LogSession[] = [];
  for (const label of ['normal', 'anomaly'] as const) {
    const part = rng.shuffled(sessions.filter((s) => (s.label ?? 'normal') === label));
    const k = Math.ceil(part.length / 2);
    a.push(...part.slice(0, k));
    b.push(...part.slice(k));
  }
  return [a, b];
}

/**
 * The cut on P(anomaly) with the best F1 (the highest such: fewest flags), placed halfway
 * between two sessions' probabilities so it does not sit on one.
 *
 * @example
 * chooseCut([0.1, 0.9, 0.4], [false, true, false]) // { cut: 0.65, f1: 1 }
 */
export function chooseCut(p: readonly number[], anomalous: readonly boolean[]): { cut: number; f1: number } {
  const values = [...new Set(p)].sort((x, y) => y - x);
  let best = { cut: 1, f1: 0 };
  for (let i = 0; i < values.length; i++) {
    const cut = i + 1 < values.length ? (values[i]! + values[i + 1]!) / 2 : values[i]! / 2;
    const f1 = scoreDetection(p.map((q) => q >= cut), anomalous).f1;
    if (f1 > best.f1) best = { cut, f1 };
  }
  return best;
}

import { withEval } from '../nn/with-eval.js';
import { FormatError, OptionError } from '../errors.js';
import { audioFeatures, decodeWav, FeatureNormaliser, normaliseBySpeaker, speedPerturb, withoutDc, type FeatureNormaliserJson, type Frames } from '../data/audio/index.js';
import { SequenceClassifier, type ClassifierConfig } from '../models/sequence-classifier.js';
import { crossEntropy } from '../nn/losses.js';
import { accuracy, confusionMatrix } from '../training/metrics.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../training/task.js';
import { augmentClip, batchRng, bucketBatches, clipLogits, NOISE_FLOOR_SPAN_DB, type AudioAugment } from './audio-batch.js';
import { speakersOf } from './audio-speakers.js';
import { describeSplit, splitRecordings, type AudioSplit, type ValBy } from './audio-split.js';
import { clipPower, perRecording, vtlpAlpha, vtlpFeatures, withNoiseFloor, type PowerFrames } from './audio-vtlp.js';

/**
 * Audio classification: a folder of recordings (WAV) -> a label per recording, with a
 * (bidirectional) recurrent classifier reading one feature frame per step, each clip at its
 * own length. Features are computed once (with speakerNorm, then normalised per speaker within
 * each part); the per-band normaliser is fitted on the training part only and kept in the
 * checkpoint with the feature settings.
 */

/** One recording as read from disk (src/io/wav-folder.ts): its name, label, group and bytes. */
export interface AudioClip {
  /** Path relative to the data folder, for messages. */
  name: string;
  label: string;
  group?: string;
  /** It matched the test pattern. */
  test?: boolean;
  bytes: Uint8Array;
}

/** The feature front end and how files are named: spec.audio of a checkpoint. */
export interface AudioSpec {
  /** Label = first capture group on the file name; absent: the first folder level is the label. */
  labelPattern?: string;
  /** Group (speaker, source) = first capture group on the file name; whole groups are held out. */
  groupPattern?: string;
  /** Files whose name matches form the test part (e.g. an official split). */
  testPattern?: string;
  features: 'logmel' | 'mfcc';
  nMels: number;
  /** MFCC coefficients (features 'mfcc'). */
  nMfcc: number;
  /** Rate every recording is resampled to (Hz). */
  targetRate: number;
  /** RMS level each recording is scaled to first (0 = as recorded). */
  rmsLevel: number;
  /** Subtract each band's mean over the recording (cepstral mean normalisation). */
  subtractRecordingMean: boolean;
  /**
   * Then divide each band by its std over the recording, floored at this value in quadrature
   * (divideRecordingStd); absent or 0: off (every checkpoint before it).
   */
  recordingStd?: number;
  /**
   * Raise every log-mel value to at least the recording's maximum minus this many dB before the
   * recording mean (clampDynamicRange, torchaudio's top_db; log-mel only); absent or 0: off.
   */
  topDb?: number;
  /** Subtract each recording's mean sample (a DC offset) before anything else. */
  removeDc: boolean;
  /**
   * Added to the mel power before the log: a noise floor. Recordings differ in how quiet their
   * pauses are (digital silence 50 dB below the word in one FSDD speaker's, room noise 20 dB
   * below in another's); a common floor makes the pauses alike. Default 1e-6 (torchaudio's).
   */
  logOffset?: number;
  /**
   * What the classifier's head reads: 'last', the final states of the top layer (absent: 'last',
   * as every checkpoint before pooling was added); 'mean', the top layer's outputs averaged over
   * the recording's frames.
   */
  pooling?: 'last' | 'mean';
  /**
   * Per-speaker normalisation (Kaldi's per-speaker CMVN): a regular expression whose first
   * capture group names each file's speaker; after the per-recording steps, each band is
   * standardised with its mean and std over all of that speaker's recordings in the same part
   * (training, validation, test; at predict and eval, the recordings given), before the
   * training normaliser (audio-speakers.ts). Absent: off (every checkpoint before it).
   */
  speakerNorm?: string;
  /**
   * How the validation part is chosen when files have groups (audio-split.ts `ValBy`):
   * 'auto' (whole groups unless that would leave fewer than 4 groups to train on), 'groups',
   * 'files'. Absent: whole groups from 4 groups in all (every checkpoint before it).
   */
  valBy?: ValBy;
  augment: AudioAugment;
}

/** What a checkpoint keeps to read new recordings as in training. */
export interface AudioEncoding {
  labels: string[];
  normaliser: FeatureNormaliserJson;
  /** Training recordings per label, for the majority baseline of `recur eval --data`. */
  trainCounts: number[];
}

export interface AudioTaskOptions {
  model: Pick<ClassifierConfig, 'cell' | 'hiddenSize' | 'numLayers' | 'dropout' | 'bidirectional' | 'forgetBias' | 'layerNorm' | 'recurrentDropout' | 'zoneout'>;
  audio: AudioSpec;
  batchSize: number;
  testFraction: number;
  valFraction: number;
  seed: number;
}

/** The classifier's pooling an audio spec asks for, as a ClassifierConfig part (none: 'last'). */
export function poolingOf(audio: Pick<AudioSpec, 'pooling'>): Pick<ClassifierConfig, 'pooling'> {
  return audio.pooling === undefined ? {} : { pooling: audio.pooling };
}

/**
 * Features of one recording as the spec says (before the normaliser); `speed` other than 1:
 * the recording played that much faster first (speedPerturb, training augmentation only).
 */
export function clipFeatures(bytes: Uint8Array, audio: AudioSpec, source: string, speed = 1): Frames {
  const wav = decodeWav(bytes, { source });
  const samples = audio.removeDc ? withoutDc(wav.samples) : wav.samples;
  const features = audioFeatures(speed === 1 ? samples : speedPerturb(samples, speed), wav.sampleRate, {
    features: audio.features,
    nMels: audio.nMels,
    nMfcc: audio.nMfcc,
    targetRate: audio.targetRate,
    rmsLevel: audio.rmsLevel,
    ...(audio.logOffset !== undefined ? { logOffset: audio.logOffset } : {}),
  });
  // The per-recording steps (dynamic range, mean, std) in one place, shared with VTLP.
  return perRecording(audio, features);
}

/** Label indices of clips, or a FormatError naming a label the model was not trained on. */
export function labelIndices(clips: readonly Pick<AudioClip, 'label' | 'name'>[], labels: readonly string[]): number[] {
  return clips.map((c) => {
    const i = labels.indexOf(c.label);
    if (i < 0) throw new FormatError(`${c.name}: label '${c.label}' was not among the trained labels (${labels.join(', ')})`);
    return i;
  });
}

/** Predicted class index of each clip (normalised features), in batches of similar length. */
export function predictClips(model: SequenceClassifier, clips: readonly Frames[]): { classes: number[]; logits: Float32Array[] } {
  return withEval(model, () => {
    const classes = new Array<number>(clips.length);
    const logits = new Array<Float32Array>(clips.length);
    const order = clips.map((_, i) => i).sort((a, b) => clips[a]!.frames - clips[b]!.frames);
    for (let i = 0; i < order.length; i += 64) {
      const idx = order.slice(i, i + 64);
      const out = clipLogits(model, idx.map((j) => clips[j]!)).logits;
      const C = out.shape[1]!;
      idx.forEach((j, b) => {
        const row = out.data.slice(b * C, (b + 1) * C);
        let best = 0;
        for (let c = 1; c < C; c++) if (row[c]! > row[best]!) best = c;
        classes[j] = best;
        logits[j] = row;
      });
    }
    return { classes, logits };
  });
}

/**
 * Test metrics of predictions: accuracy, the majority baseline (the training part's most
 * frequent label), the confusion matrix with its labels.
 */
export function audioReport(actual: number[], predicted: number[], labels: string[], trainCounts: number[]): EvalReport {
  const majority = trainCounts.indexOf(Math.max(...trainCounts));
  return {
    accuracy: accuracy(actual, predicted),
    majority_accuracy: accuracy(actual, actual.map(() => majority)),
    test_records: actual.length,
    labels,
    confusion: confusionMatrix(actual, predicted, { labels: labels.map((_, i) => i) }).matrix,
  };
}

/**
 * Normalised features of the training clips (positions `train` in `clips`) played at
 * 1 - speed and 1 + speed, computed on first use (evaluation never needs them), or null
 * when the spec's augment has no speed perturbation. The options are checked at once. The
 * normaliser stays the one fitted on the recordings as recorded. With `speakers` (speakerNorm),
 * each speed's copies of a speaker are first normalised with their own statistics.
 */
function speedCopies(
  clips: readonly AudioClip[],
  train: readonly number[],
  audio: AudioSpec,
  normaliser: FeatureNormaliser,
  speakers: ReadonlyArray<string | null> | null,
): (() => [Frames[], Frames[]]) | null {
  const s = audio.augment.speed ?? 0;
  if (!s) return null;
  if (!(s > 0 && s < 0.5)) throw new OptionError(`audio augmentation: speed must be in [0, 0.5), got ${s}`);
  if (audio.augment.vtlp || audio.augment.noiseFloor) throw new OptionError('audio augmentation: speed perturbation cannot be combined with vtlp or floor (both rebuild the training features); use one of them');
  const copy = (f: number) => {
    const raw = train.map((i) => clipFeatures(clips[i]!.bytes, audio, clips[i]!.name, f));
    // Each speed's copies are new speakers (as in Kaldi): normalised with their own statistics.
    const bySpeaker = speakers ? normaliseBySpeaker(raw, train.map((i) => speakers[i]!)) : raw;
    return bySpeaker.map((x) => normaliser.apply(x));
  };
  let copies: [Frames[], Frames[]] | null = null;
  return () => (copies ??= [copy(1 - s), copy(1 + s)]);
}

/**
 * `features` (one per clip) normalised per speaker within each part of the split, so a
 * speaker's statistics never mix parts: a test speaker's come from its test recordings only.
 */
function normaliseSpeakersByPart(features: readonly Frames[], speakers: ReadonlyArray<string | null>, split: AudioSplit): Frames[] {
  const out = [...features];
  for (const idx of [split.train, split.val, split.test]) {
    const normalised = normaliseBySpeaker(idx.map((i) => features[i]!), idx.map((i) => speakers[i]!));
    idx.forEach((i, k) => (out[i] = normalised[k]!));
  }
  return out;
}

/** A recording as the task holds it: normalised features and its label's index. */
interface Item {
  x: Frames;
  label: number;
}

/**
 * Audio classification over a folder of recordings: the split (whole groups held out), the
 * features (once), the normaliser (training part only), bucketed and augmented batches.
 *
 * @example
 * const clips = readWavFolder('data/spoken_digits', { labelPattern: '^(\\d)_', groupPattern: '^\\d_([a-z]+)_' });
 * const task = new AudioTask(clips, { model: { cell: 'gru', hiddenSize: 64, numLayers: 2, dropout: 0, bidirectional: true },
 *   audio: DEFAULT_AUDIO_SPEC, batchSize: 32, testFraction: 0.2, valFraction: 0.1, seed: 0 });
 * await new Trainer(task, adam(task.model.parameters(), { lr: 3e-3 }), { epochs: 15 }).run();
 * task.evaluate().accuracy; // on a speaker the model never heard
 */
export class AudioTask implements Task {
  readonly kind = 'audio' as const;
  readonly model: SequenceClassifier;
  readonly encoding: AudioEncoding;
  readonly normaliser: FeatureNormaliser;
  /** Names of the recordings in each part (for reports and tests). */
  readonly parts: { train: string[]; val: string[]; test: string[] };
  /** The groups (speakers) of each part's recordings, sorted; empty without groups. */
  readonly partGroups: { train: string[]; val: string[]; test: string[] };
  private readonly train: Item[];
  private readonly val: Item[];
  private readonly test: Item[];
  /** Power spectrograms of the training clips, kept for VTLP and the noise floor only. */
  private readonly trainPower: PowerFrames[] | null;
  /** Normalised features of the training clips at speeds 1 - speed and 1 + speed (speed perturbation only). */
  private readonly trainSpeeds: (() => [Frames[], Frames[]]) | null;
  private epoch: { epoch: number; batches: number[][] } | null = null;

  /** `encoding` (from a checkpoint) reads as in training instead of fitting on these recordings. */
  constructor(clips: readonly AudioClip[], readonly options: AudioTaskOptions, encoding?: AudioEncoding) {
    const split = splitRecordings(clips, {
      testFraction: options.testFraction,
      valFraction: options.valFraction,
      seed: options.seed,
      byPattern: options.audio.testPattern !== undefined,
      ...(options.audio.valBy !== undefined ? { valBy: options.audio.valBy } : {}),
    });
    const { vtlp, noiseFloor } = options.audio.augment;
    if (options.audio.speakerNorm !== undefined && (vtlp || noiseFloor)) {
      throw new OptionError('audio: speakerNorm cannot be combined with vtlp or floor augmentation (both rebuild each clip\'s features on its own); use one of them');
    }
    // Every file must name its speaker: checked before the features are computed.
    const speakers = options.audio.speakerNorm !== undefined ? speakersOf(clips.map((c) => c.name), options.audio.speakerNorm, 'error') : null;
    const recorded = clips.map((c) => clipFeatures(c.bytes, options.audio, c.name));
    const features = speakers ? normaliseSpeakersByPart(recorded, speakers, split) : recorded;
    const pick = (idx: number[]) => idx.map((i) => features[i]!);
    const labels = encoding ? encoding.labels : [...new Set(clips.map((c) => c.label))].sort();
    const classes = labelIndices(clips, labels);
    // Fitted on the training part only: validation and test statistics must not leak in.
    this.normaliser = encoding ? FeatureNormaliser.fromJSON(encoding.normaliser, 'saved.encoding.normaliser') : FeatureNormaliser.fit(pick(split.train));
    const trainCounts = labels.map((_, k) => split.train.filter((i) => classes[i] === k).length);
    this.encoding = encoding ?? { labels, normaliser: this.normaliser.toJSON(), trainCounts };
    const items = (idx: number[]): Item[] => idx.map((i) => ({ x: this.normaliser.apply(features[i]!), label: classes[i]! }));
    this.train = items(split.train);
    this.trainPower = vtlp || noiseFloor ? split.train.map((i) => clipPower(clips[i]!.bytes, options.audio, clips[i]!.name)) : null;
    this.trainSpeeds = speedCopies(clips, split.train, options.audio, this.normaliser, speakers);
    this.val = items(split.val);
    this.test = items(split.test);
    const names = (idx: number[]) => idx.map((i) => clips[i]!.name);
    this.parts = { train: names(split.train), val: names(split.val), test: names(split.test) };
    const groups = (idx: number[]) => [...new Set(idx.flatMap((i) => (clips[i]!.group === undefined ? [] : [clips[i]!.group!])))].sort();
    this.partGroups = { train: groups(split.train), val: groups(split.val), test: groups(split.test) };
    this.model = new SequenceClassifier(
      { ...options.model, vocabSize: 0, embeddingDim: 0, inputSize: this.normaliser.width, numClasses: labels.length, ...poolingOf(options.audio) },
      options.seed,
    );
  }

  /**
   * The parts in one line, e.g. 'training 1800 recordings of 4 groups, validation 200 of the
   * same groups, test 500 of 1 group (george), not trained on': how many voices it learns from.
   */
  describeParts(): string {
    const { train, val, test } = this.parts;
    return describeSplit({ train: train.length, val: val.length, test: test.length }, this.partGroups);
  }

  /** What the model reads of each recording of a part (normalised features), in the order of `parts` (for reports and tests). */
  partInputs(part: 'train' | 'val' | 'test'): Frames[] {
    return this[part].map((e) => e.x);
  }

  batchesPerEpoch(): number {
    return Math.ceil(this.train.length / this.options.batchSize);
  }

  startEpoch(): void {}

  /** The clips of training batch `index` of `epoch`, augmented as (seed, epoch, index) says. */
  batchClips(epoch: number, index: number): { clips: Frames[]; labels: Int32Array } {
    if (this.epoch?.epoch !== epoch) {
      this.epoch = { epoch, batches: bucketBatches(this.train.map((e) => e.x.frames), this.options.batchSize, this.options.seed, epoch) };
    }
    const picks = this.epoch.batches[index]!;
    const rng = batchRng(this.options.seed, epoch, index);
    const { audio } = this.options;
    // From the power spectrogram: the VTLP factor, then the noise floor, drawn before the other augmentations.
    const features = (i: number) => {
      // Speed perturbation: one of the three speeds, drawn first.
      if (this.trainSpeeds) {
        const k = rng.int(3);
        return k === 2 ? this.train[i]!.x : this.trainSpeeds()[k as 0 | 1][i]!;
      }
      if (!this.trainPower) return this.train[i]!.x;
      const alpha = audio.augment.vtlp ? vtlpAlpha(audio.augment.vtlp, rng) : 1;
      const floor = audio.augment.noiseFloor;
      const power = floor ? withNoiseFloor(this.trainPower[i]!, floor + NOISE_FLOOR_SPAN_DB * rng.random(), rng) : this.trainPower[i]!;
      return vtlpFeatures(power, audio, alpha, this.normaliser);
    };
    return { clips: picks.map((i) => augmentClip(features(i), audio.augment, rng)), labels: Int32Array.from(picks.map((i) => this.train[i]!.label)) };
  }

  trainBatch(epoch: number, index: number): BatchLoss {
    const { clips, labels } = this.batchClips(epoch, index);
    const { logits, steps } = clipLogits(this.model, clips);
    return { loss: crossEntropy(logits, labels), timesteps: steps };
  }

  validate(): Validation {
    const acc = accuracy(this.val.map((e) => e.label), predictClips(this.model, this.val.map((e) => e.x)).classes);
    return { name: 'val_accuracy', value: acc, mode: 'max', metrics: { val_accuracy: acc } };
  }

  evaluate(): EvalReport {
    const predicted = predictClips(this.model, this.test.map((e) => e.x)).classes;
    return audioReport(this.test.map((e) => e.label), predicted, this.encoding.labels, this.encoding.trainCounts);
  }

  describe(): Record<string, unknown> {
    return { encoding: this.encoding };
  }

  getState(): TaskState {
    return { json: {}, tensors: {} };
  }

  setState(): void {}
}

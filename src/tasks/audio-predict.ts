import { FeatureNormaliser } from '../data/audio/index.js';
import type { SequenceClassifier } from '../models/sequence-classifier.js';
import type { EvalReport } from '../training/task.js';
import { audioReport, clipFeatures, labelIndices, predictClips, type AudioClip, type AudioEncoding, type AudioSpec } from './audio.js';
import { speakerNormalised } from './audio-speakers.js';
import { softmax } from './predict.js';

/**
 * Using a trained audio classifier on new recordings: features exactly as in training (the
 * spec's front end, the checkpoint's normaliser), then the model.
 */

/** One recording's prediction: the most likely label and every label's probability. */
export interface AudioPrediction {
  label: string;
  probabilities: Record<string, number>;
}

/**
 * Normalised features of recordings, as the trained model reads them. A model trained with
 * speakerNorm: the recordings grouped by its pattern on their file names (those it does not
 * match form one group) and each group normalised by its own statistics, as each part was in
 * training; a single recording by its own.
 */
function inputsOf(recordings: ReadonlyArray<{ name: string; bytes: Uint8Array }>, audio: AudioSpec, encoding: AudioEncoding) {
  const norm = FeatureNormaliser.fromJSON(encoding.normaliser, 'saved.encoding.normaliser');
  const features = recordings.map((r) => clipFeatures(r.bytes, audio, r.name));
  return speakerNormalised(features, recordings.map((r) => r.name), audio, 'together').map((x) => norm.apply(x));
}

/**
 * Label and class probabilities of each recording (WAV bytes; `name` appears in errors). A model
 * trained with speakerNorm normalises the recordings of each speaker (its pattern on `name`)
 * together: several recordings of one speaker give better results than one alone.
 *
 * @example
 * const [p] = classifyRecordings(model, spec.audio, encoding, [{ name: 'x.wav', bytes }]);
 * p.label; // '7'
 */
export function classifyRecordings(
  model: SequenceClassifier,
  audio: AudioSpec,
  encoding: AudioEncoding,
  recordings: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
): AudioPrediction[] {
  const { logits } = predictClips(model, inputsOf(recordings, audio, encoding));
  return logits.map((row) => {
    const p = softmax(row);
    const best = p.indexOf(Math.max(...p));
    return { label: encoding.labels[best]!, probabilities: Object.fromEntries(encoding.labels.map((l, i) => [l, p[i]!])) };
  });
}

/**
 * Scores every given recording (e.g. a new speaker's folder): accuracy, the training part's
 * majority baseline, the confusion matrix. A label the model was not trained on is a FormatError.
 * With speakerNorm, each speaker's recordings (by the model's pattern) are normalised together.
 *
 * @example
 * const m = scoreRecordings(model, spec.audio, encoding, readWavFolder('new_speaker', { labelPattern: '^(\\d)_' }));
 * m.accuracy; // 0.93
 */
export function scoreRecordings(model: SequenceClassifier, audio: AudioSpec, encoding: AudioEncoding, clips: readonly AudioClip[]): EvalReport {
  const actual = labelIndices(clips, encoding.labels);
  const { classes } = predictClips(model, inputsOf(clips, audio, encoding));
  return audioReport(actual, classes, encoding.labels, encoding.trainCounts);
}

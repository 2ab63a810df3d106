// The audio view's "prediction after each frame": the recording cut after frame t, read again
// from its samples by the CLI's own front end (tested in test/web/audio-trace.test.ts against
// `recur predict` on the cut WAV). The front end's per-recording steps (DC removal, RMS level,
// band means) use the whole recording, so cutting the full clip's features would let column t
// see frames after t.
import { clipFeatures, predictClips, resolveMelOptions, softmax, speakerNormalised } from 'recur';
import type { Frames, MelOptions } from 'recur';
import type { AudioModel } from './audio-model.js';
import { encodeWavFloat32 } from './audio-wav-encode.js';

/** Frame-steps spent on prefix runs (sum of prefix lengths): every prefix up to ~200 frames, then a stride. */
export const PREFIX_BUDGET = 20_000;

/** Decoded mono samples of a recording at their own rate, and its name for messages. */
export interface PrefixSource {
  samples: Float32Array;
  sampleRate: number;
  name: string;
}

/**
 * The prefix lengths to run for a clip of T frames: every t in 1..T while the sum of their
 * lengths stays within `budget`, else every s-th (the smallest stride that fits), always ending at T.
 *
 * @example
 * prefixEnds(4);          // [1, 2, 3, 4]
 * prefixEnds(1000, 20000); // [25, 50, ..., 1000]
 */
export function prefixEnds(T: number, budget = PREFIX_BUDGET): number[] {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`prefixEnds: T must be a positive integer, got ${T}`);
  const stride = Math.max(1, Math.ceil((T * (T + 1)) / 2 / budget));
  const ends: number[] = [];
  for (let t = stride; t < T; t += stride) ends.push(t);
  ends.push(T);
  return ends;
}

/**
 * How many of a recording's `length` samples (at `sampleRate`) are kept when it stops after
 * frame t of T: the longest start whose features have exactly t frames, and all of it at t = T.
 * Centred frames: m samples at the model's rate give 1 + floor(m / hop) frames, so t * hop - 1
 * is the longest with t; resampled, n samples become ceil(n * targetRate / sampleRate).
 *
 * @example
 * prefixSampleCount(3, 62, 4900, 8000, audio);  // 239 (hop 80 at 8 kHz)
 * prefixSampleCount(3, 62, 29400, 48000, audio); // 1434, resampled to 239
 */
export function prefixSampleCount(t: number, T: number, length: number, sampleRate: number, audio: AudioModel['audio']): number {
  if (!Number.isInteger(t) || t < 1 || t > T) throw new RangeError(`prefixSampleCount: t must be an integer in 1..${T}, got ${t}`);
  if (t === T) return length;
  const hop = resolveMelOptions(audio.targetRate, audio as unknown as MelOptions).hopLength;
  return Math.min(length, Math.floor(((t * hop - 1) * sampleRate) / audio.targetRate));
}

/**
 * Normalised features [t, width] of the recording cut after frame t, for every t in `ends`:
 * each cut goes through `recur predict`'s front end on its own samples (as a float WAV, as a
 * cut or recorded clip does), so its level, DC offset and band means (and with speakerNorm, its
 * per-speaker statistics) are its own.
 */
export function prefixInputs(m: AudioModel, source: PrefixSource, T: number, ends: readonly number[]): Frames[] {
  return ends.map((t) => {
    const n = prefixSampleCount(t, T, source.samples.length, source.sampleRate, m.audio);
    const raw = clipFeatures(encodeWavFloat32(source.samples.subarray(0, n), source.sampleRate), m.audio, source.name);
    // The sample count is derived from the framing; a front end framed otherwise would show here.
    if (raw.frames !== t) throw new Error(`${source.name}: the first ${n} samples gave ${raw.frames} frames, expected ${t}; the view's framing does not match the model's front end`);
    // Per-speaker statistics (speakerNorm): each cut is a recording of its own, as in `recur predict`.
    return m.normaliser.apply(speakerNormalised([raw], [source.name], m.audio, 'together')[0]!);
  });
}

/**
 * Class probabilities after each frame: for every t in `ends`, what `recur predict` answers on
 * the recording cut after frame t (prefixInputs, all run in one batched predictClips call),
 * held until the next computed prefix. The last end must be T: the whole clip's answer.
 *
 * @param source the decoded samples the clip's T frames were computed from
 * @returns probabilities [T, classes] and the classes' count
 * @example
 * const { probs } = prefixProbabilities(model, { samples, sampleRate: 8000, name: 'a.wav' }, 62);
 * probs.subarray(61 * 10); // the whole clip's probabilities
 */
export function prefixProbabilities(m: AudioModel, source: PrefixSource, T: number, ends: readonly number[] = prefixEnds(T)): { probs: Float32Array; classes: number } {
  if (ends.length === 0 || ends[ends.length - 1] !== T) throw new RangeError(`prefixProbabilities: the prefix ends must finish at T = ${T}, got [${ends.join(', ')}]`);
  const C = m.encoding.labels.length;
  const { logits } = predictClips(m.model, prefixInputs(m, source, T, ends));
  const probs = new Float32Array(T * C);
  let k = 0;
  let row = softmax(logits[0]!);
  for (let t = 0; t < T; t++) {
    // Frame t (0-based) completes the prefix of t + 1 frames.
    while (k < ends.length && ends[k]! <= t + 1) row = softmax(logits[k++]!);
    probs.set(row, t * C);
  }
  return { probs, classes: C };
}

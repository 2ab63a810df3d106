import { ShapeError } from '../../errors.js';
import type { Frames } from './stft.js';

/**
 * Per-speaker mean and variance normalisation (Kaldi's per-speaker CMVN): each band divided
 * into standard units with the mean and std over every frame of every recording of the same
 * speaker. A recording's own mean also removes what its word adds to a band; the speaker's
 * mean over many words removes the voice and the microphone and keeps the word. No label is
 * used, so an unheard speaker's statistics come from its own unlabelled recordings.
 */

/** A band whose std over a speaker's frames is below this is divided by this instead. */
export const SPEAKER_STD_FLOOR = 1e-3;

/**
 * Each recording `[frames, width]` standardised per band with the statistics of its speaker:
 * x = (x - mean[b]) / max(std[b], SPEAKER_STD_FLOOR), mean and population std over all frames
 * of all recordings whose `speakers` entry is the same (compared with SameValueZero, as Map
 * keys). One speaker's recordings do not affect another's. A speaker with a single recording
 * is normalised by its own statistics.
 *
 * @param recordings feature matrices, all of one width
 * @param speakers the speaker of each recording (any key: a name, an index)
 * @returns new matrices in the order given
 * @example
 * const [a, b, c] = normaliseBySpeaker([x0, x1, x2], ['theo', 'theo', 'lucas']);
 * // a and b with theo's per-band mean and std over x0 and x1 together, c with lucas's over x2
 */
export function normaliseBySpeaker<K>(recordings: readonly Frames[], speakers: readonly K[]): Frames[] {
  if (speakers.length !== recordings.length) throw new ShapeError(`normaliseBySpeaker: ${recordings.length} recordings but ${speakers.length} speakers`);
  const width = recordings[0]?.width ?? 0;
  for (const [i, r] of recordings.entries()) {
    if (r.width !== width) throw new ShapeError(`normaliseBySpeaker: recording ${i} has ${r.width} values per frame, the first has ${width}`);
  }
  const bySpeaker = new Map<K, number[]>();
  speakers.forEach((s, i) => {
    const idx = bySpeaker.get(s);
    if (idx) idx.push(i);
    else bySpeaker.set(s, [i]);
  });
  const out = new Array<Frames>(recordings.length);
  for (const idx of bySpeaker.values()) {
    const { mean, std } = bandStats(idx.map((i) => recordings[i]!), width);
    for (const i of idx) {
      const { frames, data } = recordings[i]!;
      const y = new Float32Array(frames * width);
      for (let t = 0; t < frames; t++) {
        for (let b = 0; b < width; b++) y[t * width + b] = (data[t * width + b]! - mean[b]!) / Math.max(std[b]!, SPEAKER_STD_FLOOR);
      }
      out[i] = { frames, width, data: y };
    }
  }
  return out;
}

/** Per-band mean and population std over all frames of `recordings` (two passes, in float64). */
function bandStats(recordings: readonly Frames[], width: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  let frames = 0;
  for (const r of recordings) {
    for (let t = 0; t < r.frames; t++) for (let b = 0; b < width; b++) mean[b] = mean[b]! + r.data[t * width + b]!;
    frames += r.frames;
  }
  // No frames at all: mean 0, std 0 (floored), nothing to divide.
  if (frames === 0) return { mean, std };
  for (let b = 0; b < width; b++) mean[b] = mean[b]! / frames;
  for (const r of recordings) {
    for (let t = 0; t < r.frames; t++) {
      for (let b = 0; b < width; b++) {
        const d = r.data[t * width + b]! - mean[b]!;
        std[b] = std[b]! + d * d;
      }
    }
  }
  for (let b = 0; b < width; b++) std[b] = Math.sqrt(std[b]! / frames);
  return { mean, std };
}

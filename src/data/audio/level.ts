/**
 * Recording level normalisation. Speakers and microphones differ in gain by 20 dB or more (in
 * the Free Spoken Digit Dataset one speaker's recordings are ~10x quieter than the others'), and
 * a gain is an additive constant on every log-mel band, which a per-band normaliser fitted on
 * other speakers does not remove. Scaling each recording to one RMS level does: holding that
 * speaker out, a 2x64 bidirectional GRU on 40 log-mel bands (quick runs, one seed) reached
 * 0.23-0.37 test accuracy over 10 epochs at the recorded level and 0.84-0.95 over 4 epochs with it.
 * Subtracting each recording's own mean from every band (cepstral mean normalisation) removes
 * the gain too, and a microphone's colouring with it.
 */

import { OptionError } from '../../errors.js';
import type { Frames } from './stft.js';

/** The RMS level recordings are scaled to by default: 0.05 (-26 dBFS), a typical speech level. */
export const DEFAULT_RMS_LEVEL = 0.05;

/**
 * A copy of `samples` scaled so its root mean square is `target`. A silent (all-zero) recording
 * is returned unscaled.
 *
 * @example
 * const y = normaliseRms(Float32Array.from([0.1, -0.1]), 0.05); // [0.05, -0.05]
 */
export function normaliseRms(samples: Float32Array, target = DEFAULT_RMS_LEVEL): Float32Array {
  let sq = 0;
  for (let i = 0; i < samples.length; i++) sq += samples[i]! * samples[i]!;
  const rms = Math.sqrt(sq / Math.max(1, samples.length));
  const out = samples.slice();
  if (rms === 0 || !Number.isFinite(rms)) return out;
  const g = target / rms;
  for (let i = 0; i < out.length; i++) out[i] = samples[i]! * g;
  return out;
}

/**
 * A copy of `features` `[frames, width]` with each band's mean over this recording's frames
 * subtracted (per-recording mean normalisation, CMN): a constant gain or a fixed channel
 * colouring adds a constant to a log-mel band or a cepstral coefficient, and so cancels.
 *
 * @example
 * const centred = subtractRecordingMean(logMelSpectrogram(samples, 8000)); // every band averages 0
 */
export function subtractRecordingMean(features: Frames): Frames {
  const { frames, width } = features;
  const data = features.data.slice();
  for (let b = 0; b < width; b++) {
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += data[t * width + b]!;
    const mean = sum / Math.max(1, frames);
    for (let t = 0; t < frames; t++) data[t * width + b] = data[t * width + b]! - mean;
  }
  return { frames, width, data };
}

/**
 * A copy of `samples` minus their mean. A DC offset (one FSDD speaker's recordings sit 15% of
 * their RMS off zero) inflates the RMS level and the lowest mel bands: a trait of the
 * microphone, not of the word.
 *
 * @example
 * withoutDc(Float32Array.of(0.2, 0.4, 0.6)); // Float32Array [-0.2, 0, 0.2] (to rounding)
 */
export function withoutDc(samples: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]!;
  const mean = sum / Math.max(1, samples.length);
  return samples.map((v) => v - mean);
}

/**
 * A copy of `features` `[frames, width]` with each band divided by sqrt(std^2 + floor^2), its
 * standard deviation over this recording's frames kept from going below `floor` (per-recording
 * variance normalisation, the "V" of CMVN; apply after subtractRecordingMean). Microphones and
 * rooms differ in how far a band swings (one FSDD speaker's lowest band varies 20 times as much
 * as another's); the floor keeps a band that barely moves from being blown up to unit size.
 *
 * @example
 * const x = divideRecordingStd(subtractRecordingMean(logMelSpectrogram(samples, 8000)), 0.5);
 */
export function divideRecordingStd(features: Frames, floor: number): Frames {
  if (!(floor > 0) || !Number.isFinite(floor)) throw new OptionError(`divideRecordingStd: floor must be a positive number, got ${floor}`);
  const { frames, width } = features;
  const data = features.data.slice();
  for (let b = 0; b < width; b++) {
    let sum = 0;
    let sq = 0;
    for (let t = 0; t < frames; t++) {
      const v = data[t * width + b]!;
      sum += v;
      sq += v * v;
    }
    const n = Math.max(1, frames);
    const variance = Math.max(0, sq / n - (sum / n) ** 2);
    const scale = 1 / Math.sqrt(variance + floor * floor);
    for (let t = 0; t < frames; t++) data[t * width + b] = data[t * width + b]! * scale;
  }
  return { frames, width, data };
}

/**
 * A copy of log-power features `[frames, width]` (natural log) with every value raised to at
 * least the recording's maximum minus `topDb` decibels (torchaudio's AmplitudeToDB top_db, on
 * ln values: 10 log10(e) dB per unit). Rooms differ in how far below the word their pauses sit
 * (digital silence 50 dB below in one FSDD speaker's recordings, room noise 20-30 dB below in
 * the others'); a floor relative to the recording's own loudest band makes the pauses alike.
 *
 * @example
 * const x = clampDynamicRange(logMelSpectrogram(samples, 8000), 40); // nothing more than 40 dB below the peak
 */
export function clampDynamicRange(features: Frames, topDb: number): Frames {
  if (!(topDb > 0) || !Number.isFinite(topDb)) throw new OptionError(`clampDynamicRange: topDb must be a positive number of dB, got ${topDb}`);
  let max = -Infinity;
  for (const v of features.data) max = Math.max(max, v);
  const floor = max - topDb / (10 * Math.LOG10E);
  return { frames: features.frames, width: features.width, data: features.data.map((v) => Math.max(v, floor)) };
}

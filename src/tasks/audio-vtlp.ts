import { OptionError } from '../errors.js';
import {
  clampDynamicRange,
  decodeWav,
  divideRecordingStd,
  normaliseRms,
  powerSpectrogram,
  resample,
  resolveMelOptions,
  subtractRecordingMean,
  logMelFromPower,
  vtlpFilterbank,
  withoutDc,
  type FeatureNormaliser,
  type Frames,
} from '../data/audio/index.js';
import type { Rng } from '../tensor/random.js';

/**
 * VTLP for the audio task: the training recordings kept as power spectrograms, turned into
 * normalised log-mel features through a filterbank warped by a factor drawn per clip, so each
 * epoch hears the four (or forty) training voices with slightly different vocal tracts.
 */

/** The parts of an audio spec (AudioSpec, in audio.ts, which imports this file) the front end reads. */
export interface FrontEndSpec {
  features: 'logmel' | 'mfcc';
  nMels: number;
  targetRate: number;
  rmsLevel: number;
  removeDc: boolean;
  subtractRecordingMean: boolean;
  recordingStd?: number;
  topDb?: number;
  logOffset?: number;
}

/** A power spectrogram `[frames, bins]` in float32 (a third of the memory of the features' float64 STFT). */
export type PowerFrames = Frames<Float32Array>;

/**
 * The power spectrogram of a recording through the spec's front end (DC removal, RMS level,
 * resampling, STFT with the mel features' window and hop): what clipFeatures turns into
 * log-mel bands, one filterbank product before.
 *
 * @example
 * const p = clipPower(bytes, spec.audio, '3_theo_7.wav'); // p.width === 129 at 8 kHz
 */
export function clipPower(bytes: Uint8Array, audio: FrontEndSpec, source: string): PowerFrames {
  if (audio.features !== 'logmel') throw new OptionError('vtlp warps the mel filterbank and applies to log-mel features only');
  const wav = decodeWav(bytes, { source });
  const samples = audio.removeDc ? withoutDc(wav.samples) : wav.samples;
  const x = resample(audio.rmsLevel > 0 ? normaliseRms(samples, audio.rmsLevel) : samples, wav.sampleRate, audio.targetRate);
  const r = resolveMelOptions(audio.targetRate, { nMels: audio.nMels });
  const p = powerSpectrogram(x, { nFft: r.nFft, winLength: r.winLength, hopLength: r.hopLength, center: r.center });
  return { frames: p.frames, width: p.width, data: Float32Array.from(p.data) };
}

/**
 * Normalised log-mel features of a power spectrogram through the filterbank warped by
 * `alpha` (1: the features of clipFeatures, up to float32 rounding of the power), the
 * recording mean subtracted when the spec says so, then `normaliser`.
 *
 * @example
 * const x = vtlpFeatures(power, spec.audio, 1.08, task.normaliser); // [frames, 40]
 */
export function vtlpFeatures(power: PowerFrames, audio: FrontEndSpec, alpha: number, normaliser: FeatureNormaliser): Frames {
  const r = resolveMelOptions(audio.targetRate, { nMels: audio.nMels });
  const logMel = logMelFromPower(power, vtlpFilterbank(r, alpha), audio.logOffset ?? 1e-6);
  return normaliser.apply(perRecording(audio, logMel));
}

/**
 * The per-recording steps after the log-mel (or MFCC) features, in order: the dynamic range
 * clamp (topDb), the band means subtracted (subtractRecordingMean), the band stds divided
 * (recordingStd); each only when the spec asks for it.
 *
 * @example
 * const x = perRecording(spec.audio, logMelSpectrogram(samples, 8000, { logOffset: 0.01 }));
 */
export function perRecording(audio: FrontEndSpec, features: Frames): Frames {
  if (audio.topDb && audio.features !== 'logmel') throw new OptionError('topDb clamps log-mel bands and applies to log-mel features only');
  const clamped = audio.topDb ? clampDynamicRange(features, audio.topDb) : features;
  const centred = audio.subtractRecordingMean ? subtractRecordingMean(clamped) : clamped;
  return audio.recordingStd ? divideRecordingStd(centred, audio.recordingStd) : centred;
}

/**
 * A VTLP factor drawn uniformly in [1 - amount, 1 + amount] from `rng` (amount in [0, 1)).
 *
 * @example
 * vtlpAlpha(0.1, batchRng(0, 2, 5)); // e.g. 0.947
 */
export function vtlpAlpha(amount: number, rng: Rng): number {
  if (!(amount >= 0 && amount < 1)) throw new OptionError(`audio augmentation: vtlp must be in [0, 1), got ${amount}`);
  return 1 + amount * (2 * rng.random() - 1);
}

/**
 * `power` plus white noise `snrDb` below its mean power, in the power domain: each bin of each
 * frame gains noise power times an Exp(1) draw (the periodogram of white noise; the signal x
 * noise cross terms, zero on average, are left out). Recordings differ in their noise floor
 * (digital silence in one FSDD speaker's pauses, room noise in the others'); drawing a floor per
 * clip keeps the model from telling voices, or words, apart by it.
 *
 * @example
 * const p = withNoiseFloor(power, 25, batchRng(0, 1, 2)); // white noise 25 dB below the clip's mean power
 */
export function withNoiseFloor(power: PowerFrames, snrDb: number, rng: Rng): PowerFrames {
  let sum = 0;
  for (const v of power.data) sum += v;
  const level = sum / Math.max(1, power.data.length) / 10 ** (snrDb / 10);
  // -ln(1 - u) with u in [0, 1): an Exp(1) draw.
  return { frames: power.frames, width: power.width, data: power.data.map((v) => v - level * Math.log(1 - rng.random())) };
}

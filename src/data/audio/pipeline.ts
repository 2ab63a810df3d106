import { OptionError } from '../../errors.js';
import { logMelSpectrogram, mfcc, type MfccOptions } from './features.js';
import { DEFAULT_RMS_LEVEL, normaliseRms, subtractRecordingMean } from './level.js';
import { resample, type ResampleOptions } from './resample.js';
import type { Frames } from './stft.js';
import { decodeWav } from './wav.js';

/**
 * The audio front end in one call: WAV bytes -> mono -> one RMS level -> resampled to one rate
 * -> log-mel or MFCC frames `[frames, width]`, ready for a recurrent model (one frame per time
 * step).
 */

/**
 * The default rate every recording is brought to: 16 kHz, the rate of the common speech corpora
 * (Speech Commands, LibriSpeech) and models, which keeps everything up to 8 kHz for non-speech
 * sounds. An 8 kHz corpus such as the Free Spoken Digit Dataset can use 8000 instead: upsampled,
 * its bands above 4 kHz hold only resampler leakage (constant after the normaliser) and cost time.
 */
export const DEFAULT_AUDIO_RATE = 16000;

export interface AudioFeatureOptions extends MfccOptions, ResampleOptions {
  /** 'logmel' (default, nMels values per frame) or 'mfcc' (nMfcc values). */
  features?: 'logmel' | 'mfcc';
  /** Rate (Hz) every recording is resampled to before features. Default 16000. */
  targetRate?: number;
  /** RMS level each recording is scaled to first (normaliseRms), or 0 to keep the recorded level. Default 0.05. */
  rmsLevel?: number;
  /** Subtract each band's mean over the recording from its features (subtractRecordingMean). Default false. */
  subtractRecordingMean?: boolean;
}

/**
 * Features of mono samples recorded at `sampleRate`, after scaling to `rmsLevel` and
 * resampling to `targetRate`.
 *
 * @example
 * const x = audioFeatures(samples, 44100); // 40 log-mel bands at 16 kHz, 100 frames a second
 */
export function audioFeatures(samples: Float32Array, sampleRate: number, options: AudioFeatureOptions = {}): Frames {
  const kind = options.features ?? 'logmel';
  if (kind !== 'logmel' && kind !== 'mfcc') throw new OptionError(`audio features: 'features' must be 'logmel' or 'mfcc', got ${String(kind)}`);
  const rate = options.targetRate ?? DEFAULT_AUDIO_RATE;
  const level = options.rmsLevel ?? DEFAULT_RMS_LEVEL;
  if (!(level >= 0) || !Number.isFinite(level)) throw new OptionError(`audio features: rmsLevel must be >= 0 (0 keeps the recorded level), got ${level}`);
  const x = resample(level > 0 ? normaliseRms(samples, level) : samples, sampleRate, rate, options);
  const f = kind === 'mfcc' ? mfcc(x, rate, options) : logMelSpectrogram(x, rate, options);
  return options.subtractRecordingMean ? subtractRecordingMean(f) : f;
}

/**
 * Features of a WAV file's bytes (decodeWav, then audioFeatures). `source` names the file in errors.
 *
 * @example
 * const x = wavFeatures(bytes, { source: '3_theo_7.wav', targetRate: 8000 }); // x.width === 40
 */
export function wavFeatures(bytes: Uint8Array | ArrayBuffer, options: AudioFeatureOptions & { source?: string } = {}): Frames {
  const wav = decodeWav(bytes, { source: options.source });
  return audioFeatures(wav.samples, wav.sampleRate, options);
}

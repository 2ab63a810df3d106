/**
 * Audio data pipeline: WAV decoding, resampling, STFT, mel filterbanks, log-mel and MFCC
 * features matching torchaudio, and a per-band feature normaliser. Browser-safe: pure
 * functions on bytes and typed arrays, no file I/O.
 *
 * @example
 * import { decodeWav, audioFeatures, FeatureNormaliser } from 'recur-nn';
 *
 * const wav = decodeWav(bytes, { source: '7_theo_0.wav' });     // mono Float32Array, 8000 Hz
 * const x = audioFeatures(wav.samples, wav.sampleRate);          // [frames, 40] log-mel at 16 kHz, RMS 0.05
 * const norm = FeatureNormaliser.fit(trainFeatures);             // training recordings only
 * const input = norm.apply(x);
 *
 * @module
 */
export { decodeWav, MAX_WAV_CHANNELS, MAX_WAV_SAMPLE_RATE, MIN_WAV_SAMPLE_RATE, type DecodedWav, type DecodeWavOptions } from './wav.js';
export { resample, type ResampleOptions } from './resample.js';
export { fft, realFft, type Fft, type RealFft } from './fft.js';
export { hannWindow, powerSpectrogram, forEachStftFrame, stftShape, type Frames, type StftOptions } from './stft.js';
export { hzToMel, melToHz, melFilterbank, type MelScale, type MelNorm, type MelFilterbankOptions } from './mel.js';
export {
  melSpectrogram,
  logMelSpectrogram,
  mfcc,
  dctMatrix,
  resolveMelOptions,
  type MelOptions,
  type LogMelOptions,
  type MfccOptions,
  type ResolvedMelOptions,
} from './features.js';
export { FeatureNormaliser, MIN_STD, type FeatureNormaliserJson } from './normaliser.js';
export { normaliseBySpeaker, SPEAKER_STD_FLOOR } from './speaker-norm.js';
export { audioFeatures, wavFeatures, DEFAULT_AUDIO_RATE, type AudioFeatureOptions } from './pipeline.js';
export { specAugment, type SpecAugmentOptions } from './spec-augment.js';
export { normaliseRms, subtractRecordingMean, divideRecordingStd, clampDynamicRange, withoutDc, DEFAULT_RMS_LEVEL } from './level.js';
export { speedPerturb, speedRatio } from './speed.js';
export { vtlpWarp, vtlpFilterbank, logMelFromPower, VTLP_BOUNDARY } from './vtlp.js';

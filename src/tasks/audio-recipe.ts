import { resolveMelOptions, SPEAKER_STD_FLOOR } from '../data/audio/index.js';
import type { AudioEncoding, AudioSpec } from './audio.js';

/**
 * The audio front end of a trained model, spelled out so that a server (or PyTorch with
 * torchaudio) can compute exactly the inputs the exported recurrent part reads: shown by
 * `recur info` and carried in the ONNX export's doc string.
 */
export interface AudioFeatureRecipe {
  /** The steps in order, in words (with the torchaudio calls they match). */
  steps: string[];
  /** Every number the steps use. */
  settings: {
    features: 'logmel' | 'mfcc';
    targetRate: number;
    winLength: number;
    hopLength: number;
    nFft: number;
    nMels: number;
    nMfcc: number | null;
    fMin: number;
    fMax: number;
    rmsLevel: number;
    logOffset: number;
    removeDc: boolean;
    subtractRecordingMean: boolean;
    /** Dynamic range clamp in dB below the recording's peak (0: off). */
    topDb: number;
    /** Floor of the per-recording band std divided out (0: off). */
    recordingStd: number;
    /** What the classifier's head reads: the final states ('last') or the outputs averaged over the frames ('mean'). */
    pooling: 'last' | 'mean';
    /** Per-speaker normalisation: the pattern whose first capture group names a file's speaker (null: off). */
    speakerNorm: string | null;
  };
  /** Per-band mean and std of the training features (step "normalise"). */
  normaliser: { mean: number[]; std: number[] };
  labels: string[];
  /** What the recurrent model reads. */
  input: string;
}

/**
 * The front end of an audio spec and its trained encoding.
 *
 * @example
 * audioFeatureRecipe(spec.audio, encoding).settings; // { features: 'logmel', targetRate: 8000, winLength: 200, ... }
 */
export function audioFeatureRecipe(audio: AudioSpec, encoding: AudioEncoding): AudioFeatureRecipe {
  const r = resolveMelOptions(audio.targetRate, { nMels: audio.nMels });
  const mfcc = audio.features === 'mfcc';
  const width = mfcc ? audio.nMfcc : audio.nMels;
  const offset = audio.logOffset ?? 1e-6;
  const steps = [
    'decode the WAV to float samples in [-1, 1), averaging the channels to mono',
    ...(audio.removeDc ? ['subtract the recording\'s mean sample (its DC offset)'] : []),
    ...(audio.rmsLevel > 0 ? [`scale the recording to an RMS of ${audio.rmsLevel}`] : []),
    `resample to ${audio.targetRate} Hz (torchaudio.functional.resample, sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99)`,
    `ln(torchaudio.transforms.MelSpectrogram(sample_rate=${audio.targetRate}, n_fft=${r.nFft}, win_length=${r.winLength}, hop_length=${r.hopLength}, ` +
      `f_min=${r.fMin}, f_max=${r.fMax}, n_mels=${r.nMels}, power=2.0, center=True, pad_mode='reflect', mel_scale='htk', norm=None) + ${offset}), frames x bands`,
    ...(mfcc ? [`MFCC: the orthonormal DCT-II of each frame's log-mel vector, the first ${audio.nMfcc} coefficients (torchaudio.transforms.MFCC with log_mels=True)`] : []),
    ...(audio.topDb ? [`raise every value to at least the recording's maximum minus ${audio.topDb} dB (${(audio.topDb / (10 * Math.LOG10E)).toFixed(4)} in ln units; torchaudio's top_db)`] : []),
    ...(audio.subtractRecordingMean ? ['subtract each band\'s mean over the recording\'s frames'] : []),
    ...(audio.recordingStd ? [`divide each band by sqrt(its variance over the recording's frames + ${audio.recordingStd}^2)`] : []),
    ...(audio.speakerNorm !== undefined
      ? [
          `per speaker: subtract each band's mean and divide by its std (population, floored at ${SPEAKER_STD_FLOOR}), both over all frames of all recordings of the same speaker ` +
            `(first capture group of /${audio.speakerNorm}/ on the file name; in training within each part, for new recordings over those given together, names it does not match one group; a single recording: its own)`,
        ]
      : []),
    'normalise each band: (x - mean[band]) / std[band] with the training statistics below (std below 1e-5: divide by 1)',
  ];
  return {
    steps,
    settings: {
      features: audio.features,
      targetRate: audio.targetRate,
      winLength: r.winLength,
      hopLength: r.hopLength,
      nFft: r.nFft,
      nMels: r.nMels,
      nMfcc: mfcc ? audio.nMfcc : null,
      fMin: r.fMin,
      fMax: r.fMax,
      rmsLevel: audio.rmsLevel,
      logOffset: offset,
      removeDc: audio.removeDc,
      subtractRecordingMean: audio.subtractRecordingMean,
      topDb: audio.topDb ?? 0,
      recordingStd: audio.recordingStd ?? 0,
      pooling: audio.pooling ?? 'last',
      speakerNorm: audio.speakerNorm ?? null,
    },
    normaliser: { mean: encoding.normaliser.mean, std: encoding.normaliser.std },
    labels: encoding.labels,
    input: `float32 [frames, 1, ${width}] (time-major, one recording per batch column; several recordings: pad and pass each length)`,
  };
}

import { OptionError } from '../../errors.js';
import { bandRuns, melFilterbank, type MelNorm, type MelScale } from './mel.js';
import { forEachStftFrame, stftShape, type Frames } from './stft.js';

/**
 * Speech features: mel spectrogram, log-mel and MFCC, each one torchaudio transform exactly.
 *
 * - melSpectrogram = torchaudio.transforms.MelSpectrogram(sample_rate, n_fft, win_length,
 *   hop_length, f_min, f_max, n_mels, power=2.0, center=True, pad_mode='reflect',
 *   norm=None|'slaney', mel_scale='htk'|'slaney'), transposed to `[frames, nMels]`.
 * - logMelSpectrogram = ln(melSpectrogram + logOffset), logOffset 1e-6: the natural log with
 *   the same offset torchaudio.transforms.MFCC uses with log_mels=True.
 * - mfcc = torchaudio.transforms.MFCC(n_mfcc, dct_type=2, norm='ortho', log_mels=True,
 *   melkwargs=the above): the orthonormal DCT-II of each frame's log-mel vector, coefficient
 *   0 included. (We use log_mels=True, not MFCC's default AmplitudeToDB with top_db=80,
 *   because the dB clamp depends on the loudest frame of the whole recording; the natural log
 *   keeps each frame's features its own, and is one scale factor from dB otherwise.)
 *
 * Defaults are the usual speech front end: 25 ms windows every 10 ms, nFft the next power of
 * two (512 at 16 kHz), 40 HTK mel bands over 0..sampleRate/2, 13 MFCCs.
 */

export interface MelOptions {
  /** Window length in ms (rounded to samples). Default 25. Ignored when winLength is given. */
  windowMs?: number;
  /** Hop in ms (rounded to samples). Default 10. Ignored when hopLength is given. */
  hopMs?: number;
  /** Window length in samples. Default round(windowMs * sampleRate / 1000). */
  winLength?: number;
  /** Hop in samples. Default round(hopMs * sampleRate / 1000). */
  hopLength?: number;
  /** FFT size. Default the next power of two >= winLength. */
  nFft?: number;
  /** Mel bands. Default 40. */
  nMels?: number;
  /** Default 0 Hz. */
  fMin?: number;
  /** Default floor(sampleRate / 2). */
  fMax?: number;
  /** Default 'htk'. */
  melScale?: MelScale;
  /** Default 'none'. */
  melNorm?: MelNorm;
  /** Centre frames with reflect padding as torchaudio. Default true. */
  center?: boolean;
}

export interface LogMelOptions extends MelOptions {
  /** Added before the log so silence stays finite. Default 1e-6 (torchaudio MFCC's log_mels offset). */
  logOffset?: number;
}

export interface MfccOptions extends LogMelOptions {
  /** Number of coefficients, at most nMels. Default 13. */
  nMfcc?: number;
}

/** The STFT and filterbank sizes the options resolve to at a sample rate. */
export interface ResolvedMelOptions {
  sampleRate: number;
  winLength: number;
  hopLength: number;
  nFft: number;
  nMels: number;
  fMin: number;
  fMax: number;
  melScale: MelScale;
  melNorm: MelNorm;
  center: boolean;
}

/**
 * Resolves defaults (25 ms / 10 ms / next power of two / 40 bands) at `sampleRate`.
 *
 * @example
 * resolveMelOptions(8000); // { winLength: 200, hopLength: 80, nFft: 256, nMels: 40, fMax: 4000, ... }
 */
export function resolveMelOptions(sampleRate: number, o: MelOptions = {}): ResolvedMelOptions {
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new OptionError(`features: sampleRate must be a positive integer, got ${sampleRate}`);
  const winLength = o.winLength ?? Math.round(((o.windowMs ?? 25) * sampleRate) / 1000);
  const hopLength = o.hopLength ?? Math.round(((o.hopMs ?? 10) * sampleRate) / 1000);
  if (!Number.isInteger(winLength) || winLength < 1) throw new OptionError(`features: the window must be at least one sample, got ${winLength}`);
  if (!Number.isInteger(hopLength) || hopLength < 1) throw new OptionError(`features: the hop must be at least one sample, got ${hopLength}`);
  let nFft = o.nFft ?? 1;
  if (o.nFft === undefined) while (nFft < winLength) nFft *= 2;
  if (winLength > nFft) throw new OptionError(`features: the window (${winLength} samples) is longer than nFft = ${nFft}`);
  return {
    sampleRate, winLength, hopLength, nFft, nMels: o.nMels ?? 40, fMin: o.fMin ?? 0, fMax: o.fMax ?? Math.floor(sampleRate / 2),
    melScale: o.melScale ?? 'htk', melNorm: o.melNorm ?? 'none', center: o.center ?? true,
  };
}

/**
 * Mel power spectrogram `[frames, nMels]` of a mono signal at `sampleRate`.
 *
 * @example
 * const mel = melSpectrogram(samples, 16000); // 40 bands every 10 ms
 */
export function melSpectrogram(samples: Float32Array, sampleRate: number, options: MelOptions = {}): Frames<Float64Array> {
  const r = resolveMelOptions(sampleRate, options);
  const stft = { nFft: r.nFft, winLength: r.winLength, hopLength: r.hopLength, center: r.center };
  const { frames, bins } = stftShape(samples.length, stft);
  const fb = melFilterbank({ bins, sampleRate, nMels: r.nMels, fMin: r.fMin, fMax: r.fMax, melScale: r.melScale, norm: r.melNorm });
  const nMels = r.nMels;
  const { lo, hi } = bandRuns(fb, bins, nMels);
  const out = new Float64Array(frames * nMels);
  forEachStftFrame(samples, stft, (t, p) => {
    const row = t * nMels;
    for (let m = 0; m < nMels; m++) {
      let acc = 0;
      for (let k = lo[m]!; k < hi[m]!; k++) acc += p[k]! * fb[k * nMels + m]!;
      out[row + m] = acc;
    }
  });
  return { frames, width: nMels, data: out };
}

/**
 * Log-mel features `[frames, nMels]`: ln(mel power + logOffset).
 *
 * @example
 * const x = logMelSpectrogram(wav.samples, wav.sampleRate); // x.data: Float32Array(x.frames * 40)
 */
export function logMelSpectrogram(samples: Float32Array, sampleRate: number, options: LogMelOptions = {}): Frames {
  const offset = options.logOffset ?? 1e-6;
  if (!(offset > 0) || !Number.isFinite(offset)) throw new OptionError(`features: logOffset must be a positive number, got ${offset}`);
  const mel = melSpectrogram(samples, sampleRate, options);
  const data = new Float32Array(mel.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.log(mel.data[i]! + offset);
  return { frames: mel.frames, width: mel.width, data };
}

/**
 * The orthonormal DCT-II matrix `[nMels, nMfcc]` of torchaudio.functional.create_dct(nMfcc, nMels, 'ortho'):
 * d[n, k] = sqrt(2 / nMels) cos(pi / nMels (n + 0.5) k), column 0 scaled by 1 / sqrt(2).
 *
 * @example
 * const d = dctMatrix(13, 40); // Float64Array(40 * 13); mfcc[k] = sum_n logMel[n] * d[n * 13 + k]
 */
export function dctMatrix(nMfcc: number, nMels: number): Float64Array {
  const d = new Float64Array(nMels * nMfcc);
  for (let n = 0; n < nMels; n++) {
    for (let k = 0; k < nMfcc; k++) {
      const s = Math.sqrt(2 / nMels) * (k === 0 ? Math.SQRT1_2 : 1);
      d[n * nMfcc + k] = s * Math.cos((Math.PI / nMels) * (n + 0.5) * k);
    }
  }
  return d;
}

/**
 * MFCCs `[frames, nMfcc]`: the orthonormal DCT-II of each frame's log-mel vector.
 *
 * @example
 * const c = mfcc(wav.samples, 16000, { nMfcc: 13 }); // c.width === 13
 */
export function mfcc(samples: Float32Array, sampleRate: number, options: MfccOptions = {}): Frames {
  const nMels = options.nMels ?? 40;
  const nMfcc = options.nMfcc ?? 13;
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > nMels) throw new OptionError(`features: nMfcc must be an integer in 1..nMels (${nMels}), got ${nMfcc}`);
  const offset = options.logOffset ?? 1e-6;
  if (!(offset > 0) || !Number.isFinite(offset)) throw new OptionError(`features: logOffset must be a positive number, got ${offset}`);
  const mel = melSpectrogram(samples, sampleRate, options);
  const dct = dctMatrix(nMfcc, nMels);
  const out = new Float32Array(mel.frames * nMfcc);
  const logs = new Float64Array(nMels);
  for (let t = 0; t < mel.frames; t++) {
    for (let m = 0; m < nMels; m++) logs[m] = Math.log(mel.data[t * nMels + m]! + offset);
    for (let k = 0; k < nMfcc; k++) {
      let acc = 0;
      for (let m = 0; m < nMels; m++) acc += logs[m]! * dct[m * nMfcc + k]!;
      out[t * nMfcc + k] = acc;
    }
  }
  return { frames: mel.frames, width: nMfcc, data: out };
}

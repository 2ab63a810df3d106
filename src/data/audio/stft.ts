import { OptionError, ShapeError } from '../../errors.js';
import { realFft } from './fft.js';

/**
 * Short-time Fourier transform to a power (or magnitude) spectrogram, with torchaudio's
 * conventions (torchaudio.transforms.Spectrogram, which calls torch.stft): a periodic Hann
 * window of `winLength` zero-padded to `nFft` on both sides, frames every `hopLength` samples,
 * and with `center` the signal padded by nFft/2 on each side by reflection, so frame t is
 * centred on sample t * hopLength. Computed in float64.
 */

/** Frames of values over time: `data` is `[frames, width]`, row-major (one frame after another). */
export interface Frames<T extends Float32Array | Float64Array = Float32Array> {
  /** Number of time steps. */
  readonly frames: number;
  /** Values per frame: frequency bins, mel bands or coefficients. */
  readonly width: number;
  readonly data: T;
}

export interface StftOptions {
  /** FFT size; the spectrogram has nFft / 2 + 1 bins. Any size works (powers of two are fastest). */
  nFft: number;
  /** Window length in samples, at most nFft. Default nFft. */
  winLength?: number;
  /** Samples between frames. Default floor(winLength / 2), torchaudio's default. */
  hopLength?: number;
  /** Pad nFft / 2 samples on each side so frames are centred on their time. Default true. */
  center?: boolean;
  /** How `center` pads: by reflection (torchaudio's default) or with zeros. Default 'reflect'. */
  padMode?: 'reflect' | 'constant';
  /** 2 for power |X|^2 (default), 1 for magnitude |X|. */
  power?: 1 | 2;
}

/**
 * A Hann window, periodic by default as torch.hann_window: w[i] = 0.5 - 0.5 cos(2 pi i / N)
 * with N = length (periodic) or length - 1 (symmetric).
 *
 * @example
 * hannWindow(4); // [0, 0.5, 1, 0.5]
 */
export function hannWindow(length: number, periodic = true): Float64Array {
  const w = new Float64Array(length);
  const n = periodic ? length : length - 1;
  if (length === 1) w[0] = 1;
  else for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

function positiveInt(name: string, v: number, max = 1 << 24): number {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new OptionError(`stft: ${name} must be an integer in 1..${max}, got ${v}`);
  return v;
}

/** Index into a signal of length n for padded position j, reflecting at the ends (repeatedly for very short signals). */
function reflectIndex(j: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = j % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * Power spectrogram of a mono signal: |STFT|^power for bins 0..nFft/2.
 *
 * @param samples `[length]`
 * @returns `[frames, nFft / 2 + 1]`, frames = 1 + floor(length / hopLength) when centred
 * @example
 * const spec = powerSpectrogram(samples, { nFft: 512, winLength: 400, hopLength: 160 });
 * spec.width; // 257 bins
 */
export function powerSpectrogram(samples: Float32Array, options: StftOptions): Frames<Float64Array> {
  const { frames, bins } = stftShape(samples.length, options);
  const out = new Float64Array(frames * bins);
  forEachStftFrame(samples, options, (t, p) => out.set(p, t * bins));
  return { frames, width: bins, data: out };
}

/**
 * Frame count and bin count of the STFT of `length` samples (checks the options).
 *
 * @example
 * stftShape(8000, { nFft: 512, winLength: 400, hopLength: 160 }); // { frames: 51, bins: 257 }
 */
export function stftShape(length: number, options: StftOptions): { frames: number; bins: number } {
  const nFft = positiveInt('nFft', options.nFft);
  const winLength = positiveInt('winLength', options.winLength ?? nFft, nFft);
  const hop = positiveInt('hopLength', options.hopLength ?? Math.max(1, Math.floor(winLength / 2)));
  if (length === 0) throw new ShapeError('stft: the signal is empty; expected at least one sample');
  const pad = options.center ?? true ? Math.floor(nFft / 2) : 0;
  if (length + 2 * pad < nFft) throw new ShapeError(`stft: a signal of ${length} samples is shorter than nFft = ${nFft}; use center: true or a smaller nFft`);
  return { frames: 1 + Math.floor((length + 2 * pad - nFft) / hop), bins: Math.floor(nFft / 2) + 1 };
}

/**
 * Runs the STFT frame by frame, handing each frame's |X|^power (bins 0..nFft/2, a reused
 * buffer) to `onFrame`: a long recording needs one frame of memory, not the whole spectrogram.
 * Returns the number of frames.
 *
 * @example
 * let loudest = 0;
 * forEachStftFrame(samples, { nFft: 512, hopLength: 160 }, (t, p) => (loudest = Math.max(loudest, ...p)));
 */
export function forEachStftFrame(samples: Float32Array, options: StftOptions, onFrame: (t: number, power: Float64Array) => void): number {
  const { frames, bins } = stftShape(samples.length, options);
  const nFft = options.nFft;
  const winLength = options.winLength ?? nFft;
  const hop = options.hopLength ?? Math.max(1, Math.floor(winLength / 2));
  const padMode = options.padMode ?? 'reflect';
  const power = options.power ?? 2;
  if (padMode !== 'reflect' && padMode !== 'constant') throw new OptionError(`stft: padMode must be 'reflect' or 'constant', got ${String(padMode)}`);
  if (power !== 1 && power !== 2) throw new OptionError(`stft: power must be 1 or 2, got ${String(power)}`);
  const n = samples.length;
  const pad = options.center ?? true ? Math.floor(nFft / 2) : 0;
  // torch.stft centres a shorter window inside the nFft frame.
  const window = new Float64Array(nFft);
  window.set(hannWindow(winLength), Math.floor((nFft - winLength) / 2));
  const plan = realFft(nFft);
  const frame = new Float64Array(nFft);
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  const out = new Float64Array(bins);
  for (let t = 0; t < frames; t++) {
    const start = t * hop - pad;
    const inside = start >= 0 && start + nFft <= n;
    for (let i = 0; i < nFft; i++) {
      const j = start + i;
      const x = inside || (j >= 0 && j < n) ? samples[j]! : padMode === 'reflect' ? samples[reflectIndex(j, n)]! : 0;
      frame[i] = x * window[i]!;
    }
    plan.forward(frame, re, im);
    for (let k = 0; k < bins; k++) {
      const p = re[k]! * re[k]! + im[k]! * im[k]!;
      out[k] = power === 2 ? p : Math.sqrt(p);
    }
    onFrame(t, out);
  }
  return frames;
}

import { OptionError } from '../../errors.js';
import type { Rng } from '../../tensor/random.js';
import type { Frames } from './stft.js';

/**
 * SpecAugment's masking (Park et al. 2019, "SpecAugment: A Simple Data Augmentation Method for
 * Automatic Speech Recognition"): a few bands of consecutive mel channels and a few stretches of
 * consecutive frames are set to a constant, so the model cannot lean on any one band or moment.
 * Each mask is drawn as torchaudio.functional.mask_along_axis draws it: w = u * param,
 * s = v * (size - w), masking [floor(s), floor(s) + floor(w)), with u, v uniform in [0, 1)
 * from the caller's seeded Rng (param is capped at the axis size; a param below 1 masks nothing). Time warping is left out (costly; the paper found it
 * the least useful part). Apply it to NORMALISED training features only, so the fill value 0
 * is the training mean.
 */

export interface SpecAugmentOptions {
  /** Frequency masks per recording. Default 2. */
  freqMasks?: number;
  /** Widest frequency mask, in bands (torchaudio's freq_mask_param). Default 8 (of 40). */
  freqMaskParam?: number;
  /** Time masks per recording. Default 2. */
  timeMasks?: number;
  /** Longest time mask, in frames (torchaudio's time_mask_param). Default 10 (100 ms at a 10 ms hop). */
  timeMaskParam?: number;
  /** A time mask covers at most this fraction of the frames (the paper's p). Default 0.2. */
  maxTimeFraction?: number;
  /** What masked values become. Default 0 (the mean, after FeatureNormaliser). */
  value?: number;
}

function count(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) throw new OptionError(`specAugment: ${name} must be a non-negative integer, got ${v}`);
  return v;
}

/**
 * A masked copy of `features` `[frames, width]`; the input is left unchanged. The same Rng
 * state gives the same masks, so augmented epochs are reproducible from the seed.
 *
 * @example
 * const rng = new Rng(42);
 * const augmented = specAugment(norm.apply(x), rng); // two band masks, two time masks
 */
export function specAugment(features: Frames, rng: Rng, options: SpecAugmentOptions = {}): Frames {
  const freqMasks = count('freqMasks', options.freqMasks ?? 2);
  const freqParam = count('freqMaskParam', options.freqMaskParam ?? 8);
  const timeMasks = count('timeMasks', options.timeMasks ?? 2);
  const timeParam = count('timeMaskParam', options.timeMaskParam ?? 10);
  const p = options.maxTimeFraction ?? 0.2;
  const value = options.value ?? 0;
  if (!(p >= 0 && p <= 1)) throw new OptionError(`specAugment: maxTimeFraction must be in [0, 1], got ${p}`);
  if (!Number.isFinite(value)) throw new OptionError(`specAugment: value must be finite, got ${value}`);
  const { frames, width } = features;
  const data = features.data.slice();
  /** [start, end) of one mask along an axis of `size`, torchaudio's draw. */
  const draw = (param: number, size: number): [number, number] => {
    const w = rng.random() * Math.min(param, size);
    const start = Math.floor(rng.random() * (size - w));
    return [start, start + Math.floor(w)];
  };
  for (let i = 0; i < (freqParam >= 1 ? freqMasks : 0); i++) {
    const [a, b] = draw(freqParam, width);
    for (let t = 0; t < frames; t++) data.fill(value, t * width + a, t * width + b);
  }
  const longest = Math.min(timeParam, Math.floor(p * frames));
  for (let i = 0; i < (longest >= 1 ? timeMasks : 0); i++) {
    const [a, b] = draw(longest, frames);
    data.fill(value, a * width, b * width);
  }
  return { frames, width, data };
}

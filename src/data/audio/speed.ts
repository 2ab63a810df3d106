import { OptionError } from '../../errors.js';
import { resample, type ResampleOptions } from './resample.js';

/**
 * Speed perturbation (Ko, Peddinti, Povey & Khudanpur 2015, Kaldi's `sox speed`): a recording
 * played `factor` times faster, so shorter in time and higher in pitch and formants, as a
 * shorter vocal tract speaking faster would sound. Resampling to `rate / factor` and reading
 * the result at `rate` does exactly that; a copy at 0.9 and 1.1 beside the original gives a
 * model trained on few voices some it did not record.
 */

/** Largest denominator tried when writing a factor as a ratio of whole numbers. */
const MAX_DENOMINATOR = 100;

/**
 * The factor as whole numbers `[from, to]` with `factor = from / to`, the smallest `to` up to
 * 100 (0.9 -> [9, 10], 1.15 -> [23, 20]); an OptionError for a factor that is not such a
 * ratio or lies outside [0.5, 2].
 *
 * @example
 * speedRatio(1.1); // [11, 10]
 */
export function speedRatio(factor: number): [number, number] {
  if (!(factor >= 0.5 && factor <= 2)) throw new OptionError(`speed perturbation: the factor must be in [0.5, 2], got ${factor}`);
  for (let to = 1; to <= MAX_DENOMINATOR; to++) {
    const from = Math.round(factor * to);
    if (Math.abs(from - factor * to) < 1e-9 * to) return [from, to];
  }
  throw new OptionError(`speed perturbation: the factor ${factor} is not a ratio of whole numbers with a denominator up to ${MAX_DENOMINATOR} (use e.g. 0.9 or 1.05)`);
}

/**
 * `samples` played `factor` times faster at the same sample rate: resampled from `from` to
 * `to` samples per unit (speedRatio), i.e. torchaudio.functional.resample(x, from, to) with
 * its default Hann-windowed sinc; `ceil(length / factor)` samples, every frequency times
 * `factor`. Factor 1 returns the input itself.
 *
 * @example
 * const faster = speedPerturb(wav.samples, 1.1); // 10/11 as long, a 200 Hz voice now at 220 Hz
 */
export function speedPerturb(samples: Float32Array, factor: number, options: ResampleOptions = {}): Float32Array {
  const [from, to] = speedRatio(factor);
  return from === to ? samples : resample(samples, from, to, options);
}

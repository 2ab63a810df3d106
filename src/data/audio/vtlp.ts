import { OptionError } from '../../errors.js';
import type { ResolvedMelOptions } from './features.js';
import { bandRuns, melFilterbank } from './mel.js';
import type { Frames } from './stft.js';

/**
 * Vocal tract length perturbation (VTLP, Jaitly & Hinton 2013): the frequency axis of a
 * spectrum scaled by a factor alpha near 1, as a shorter (alpha > 1) or longer (alpha < 1)
 * vocal tract would move the formants. Applied to the mel filterbank, so a training recording
 * sounds like a new voice at the cost of one filterbank product per frame.
 */

/** Fraction of the top frequency up to which the warp is a plain scaling (then linear to the top, which stays put). */
export const VTLP_BOUNDARY = 0.8;

/**
 * The VTLP frequency map for `alpha` with top frequency `fMax` (Hz): f -> alpha f up to the
 * boundary fMax * VTLP_BOUNDARY * min(alpha, 1) / alpha, then the straight line to (fMax, fMax),
 * so the warped axis still ends at fMax (Jaitly & Hinton's piecewise-linear map).
 *
 * @example
 * const w = vtlpWarp(1.1, 4000);
 * w(1000); // 1100: a formant at 1 kHz moves to 1.1 kHz
 * w(4000); // 4000
 */
export function vtlpWarp(alpha: number, fMax: number): (hz: number) => number {
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new OptionError(`vtlp: alpha must be a positive number, got ${alpha}`);
  if (!(fMax > 0) || !Number.isFinite(fMax)) throw new OptionError(`vtlp: fMax must be a positive number of Hz, got ${fMax}`);
  const fHi = fMax * VTLP_BOUNDARY;
  const knee = (fHi * Math.min(alpha, 1)) / alpha;
  const kneeTo = alpha * knee;
  const slope = (fMax - kneeTo) / (fMax - knee);
  return (hz) => (hz <= knee ? alpha * hz : fMax - slope * (fMax - hz));
}

/**
 * The mel filterbank `[bins, nMels]` of resolved options, warped by VTLP factor `alpha`
 * (alpha 1: exactly melFilterbank's).
 *
 * @example
 * const fb = vtlpFilterbank(resolveMelOptions(8000), 1.1); // Float64Array(129 * 40)
 */
export function vtlpFilterbank(r: ResolvedMelOptions, alpha: number): Float64Array {
  const bins = Math.floor(r.nFft / 2) + 1;
  const base = { bins, sampleRate: r.sampleRate, nMels: r.nMels, fMin: r.fMin, fMax: r.fMax, melScale: r.melScale, norm: r.melNorm };
  return melFilterbank(alpha === 1 ? base : { ...base, warp: vtlpWarp(alpha, Math.floor(r.sampleRate / 2)) });
}

/**
 * Log-mel features `[frames, nMels]` of a power spectrogram `[frames, bins]` through a
 * filterbank `[bins, nMels]`: ln(power x fb + logOffset), as logMelSpectrogram computes them.
 *
 * @example
 * const x = logMelFromPower(powerSpectrogram(samples, stft), vtlpFilterbank(r, 0.9), 0.01);
 */
export function logMelFromPower(power: Frames<Float32Array | Float64Array>, fb: Float64Array, logOffset: number): Frames {
  const { frames, width: bins } = power;
  const nMels = fb.length / bins;
  if (!Number.isInteger(nMels) || nMels < 1) throw new OptionError(`logMelFromPower: a filterbank of ${fb.length} values does not fit ${bins} bins`);
  if (!(logOffset > 0) || !Number.isFinite(logOffset)) throw new OptionError(`logMelFromPower: logOffset must be a positive number, got ${logOffset}`);
  // Each triangle's nonzero run of bins, as melSpectrogram: the same terms in the same order.
  const { lo, hi } = bandRuns(fb, bins, nMels);
  const out = new Float32Array(frames * nMels);
  for (let t = 0; t < frames; t++) {
    const p = t * bins;
    for (let m = 0; m < nMels; m++) {
      let acc = 0;
      for (let k = lo[m]!; k < hi[m]!; k++) acc += power.data[p + k]! * fb[k * nMels + m]!;
      out[t * nMels + m] = Math.log(acc + logOffset);
    }
  }
  return { frames, width: nMels, data: out };
}

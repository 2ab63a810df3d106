import { OptionError } from '../../errors.js';

/**
 * Mel scales and triangular mel filterbanks, as torchaudio.functional.melscale_fbanks builds
 * them: `mel_scale` 'htk' (2595 log10(1 + f / 700)) or 'slaney' (linear below 1 kHz, log above,
 * as librosa), `norm` none or 'slaney' (each triangle scaled to unit area: 2 / (f[m+2] - f[m])).
 */

export type MelScale = 'htk' | 'slaney';
export type MelNorm = 'none' | 'slaney';

const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP;
const SLANEY_LOGSTEP = Math.log(6.4) / 27;

/**
 * Hz to mel.
 *
 * @example
 * hzToMel(1000);           // 999.99 (HTK: 2595 log10(1 + 1000 / 700))
 * hzToMel(1000, 'slaney'); // 15 (linear part: 1000 / (200 / 3))
 */
export function hzToMel(hz: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  return hz < SLANEY_MIN_LOG_HZ ? hz / SLANEY_F_SP : SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOGSTEP;
}

/**
 * Mel to Hz (the inverse of hzToMel).
 *
 * @example
 * melToHz(hzToMel(440)); // 440
 */
export function melToHz(mel: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  return mel < SLANEY_MIN_LOG_MEL ? SLANEY_F_SP * mel : SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOGSTEP * (mel - SLANEY_MIN_LOG_MEL));
}

export interface MelFilterbankOptions {
  /** Frequency bins of the spectrogram (nFft / 2 + 1). */
  bins: number;
  sampleRate: number;
  /** Number of mel bands. */
  nMels: number;
  /** Lowest band edge in Hz. Default 0. */
  fMin?: number;
  /** Highest band edge in Hz. Default floor(sampleRate / 2), as torchaudio. */
  fMax?: number;
  /** Default 'htk' (torchaudio's default). */
  melScale?: MelScale;
  /** Default 'none' (torchaudio's norm=None). */
  norm?: MelNorm;
  /**
   * Where the content of each bin's frequency lands (Hz -> Hz), e.g. vtlpWarp: the triangles
   * are read at warp(f) instead of f. Default none (torchaudio's filterbank).
   */
  warp?: (hz: number) => number;
}

/**
 * The mel filterbank matrix in torchaudio's layout `[bins, nMels]` (row-major): band m's
 * triangle rises from mel point m to m+1 and falls to m+2, with nMels + 2 points evenly spaced
 * in mel between fMin and fMax. Bin k sits at k * floor(sampleRate / 2) / (bins - 1) Hz, as
 * torchaudio computes it (the integer half rate).
 *
 * @example
 * const fb = melFilterbank({ bins: 257, sampleRate: 16000, nMels: 40 }); // Float64Array(257 * 40)
 */
export function melFilterbank(options: MelFilterbankOptions): Float64Array {
  const { bins, sampleRate, nMels } = options;
  const fMin = options.fMin ?? 0;
  const fMax = options.fMax ?? Math.floor(sampleRate / 2);
  const scale = options.melScale ?? 'htk';
  const norm = options.norm ?? 'none';
  if (!Number.isInteger(bins) || bins < 2) throw new OptionError(`melFilterbank: bins must be an integer >= 2, got ${bins}`);
  if (!Number.isInteger(nMels) || nMels < 1 || nMels > 4096) throw new OptionError(`melFilterbank: nMels must be an integer in 1..4096, got ${nMels}`);
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new OptionError(`melFilterbank: sampleRate must be positive, got ${sampleRate}`);
  if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2)) {
    throw new OptionError(`melFilterbank: need 0 <= fMin < fMax <= sampleRate / 2 (${sampleRate / 2} Hz), got fMin ${fMin}, fMax ${fMax}`);
  }
  if (scale !== 'htk' && scale !== 'slaney') throw new OptionError(`melFilterbank: melScale must be 'htk' or 'slaney', got ${String(scale)}`);
  if (norm !== 'none' && norm !== 'slaney') throw new OptionError(`melFilterbank: norm must be 'none' or 'slaney', got ${String(norm)}`);
  const mMin = hzToMel(fMin, scale);
  const mMax = hzToMel(fMax, scale);
  const f = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz(mMin + ((mMax - mMin) * i) / (nMels + 1), scale));
  const half = Math.floor(sampleRate / 2);
  const fb = new Float64Array(bins * nMels);
  for (let k = 0; k < bins; k++) {
    const hz = options.warp ? options.warp((half * k) / (bins - 1)) : (half * k) / (bins - 1);
    for (let m = 0; m < nMels; m++) {
      const down = (hz - f[m]!) / (f[m + 1]! - f[m]!);
      const up = (f[m + 2]! - hz) / (f[m + 2]! - f[m + 1]!);
      let w = Math.max(0, Math.min(down, up));
      if (norm === 'slaney') w *= 2 / (f[m + 2]! - f[m]!);
      fb[k * nMels + m] = w;
    }
  }
  return fb;
}

/**
 * Each band's nonzero run of bins `[lo[m], hi[m])` in a filterbank `[bins, nMels]`: a triangle
 * covers a few bins, so a frame costs ~2 x bins multiply-adds instead of bins x nMels, summing
 * the same terms in the same order.
 *
 * @example
 * const { lo, hi } = bandRuns(melFilterbank({ bins: 257, sampleRate: 16000, nMels: 40 }), 257, 40);
 */
export function bandRuns(fb: Float64Array, bins: number, nMels: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(nMels);
  const hi = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    let k = 0;
    while (k < bins && fb[k * nMels + m] === 0) k++;
    let e = bins;
    while (e > k && fb[(e - 1) * nMels + m] === 0) e--;
    lo[m] = k;
    hi[m] = e;
  }
  return { lo, hi };
}

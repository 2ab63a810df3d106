import { OptionError } from '../../errors.js';

/**
 * Band-limited resampling with a Hann-windowed sinc low-pass filter: the same kernel as
 * torchaudio.functional.resample's defaults (lowpass_filter_width 6, rolloff 0.99,
 * "sinc_interpolation" with a Hann window), so outputs agree with it to float rounding. The
 * cut-off is 0.99 x the lower Nyquist frequency, which is what removes aliases when
 * downsampling (linear interpolation would fold everything above the new Nyquist back in).
 *
 * Polyphase: with the rates reduced by their gcd to orig/new, output n sits at input position
 * n * orig / new, whose fractional part takes only `new` values, so the filter taps are
 * computed once per phase and reused. When that table would be large (over 2^20 numbers, e.g.
 * 999,983 -> 16,000 Hz) the taps are computed per output sample instead: same values, less memory.
 */

export interface ResampleOptions {
  /** Half-width of the filter in zero crossings of the sinc (torchaudio's lowpass_filter_width). Default 6. */
  lowpassFilterWidth?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency (torchaudio's rolloff). Default 0.99. */
  rolloff?: number;
}

/** Largest polyphase tap table kept in memory (numbers). */
const MAX_TABLE = 1 << 20;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Resamples a mono signal from `fromRate` to `toRate` (both positive integers, Hz).
 * The output has `ceil(length * toRate / fromRate)` samples, like torchaudio.
 *
 * @param samples `[length]`
 * @returns `[ceil(length * toRate / fromRate)]`; the input itself when the rates are equal
 * @example
 * const x16k = resample(wav.samples, 8000, 16000); // twice as many samples, same pitch
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  for (const [name, v] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new OptionError(`resample: ${name} must be a positive integer number of Hz, got ${v}`);
  }
  const lpw = options.lowpassFilterWidth ?? 6;
  const rolloff = options.rolloff ?? 0.99;
  if (!(lpw > 0) || !Number.isFinite(lpw)) throw new OptionError(`resample: lowpassFilterWidth must be a positive number, got ${lpw}`);
  if (!(rolloff > 0 && rolloff <= 1)) throw new OptionError(`resample: rolloff must be in (0, 1], got ${rolloff}`);
  if (fromRate === toRate) return samples;
  const g = gcd(fromRate, toRate);
  const orig = fromRate / g;
  const next = toRate / g;
  const base = Math.min(orig, next) * rolloff;
  // Reach of the filter in input samples on each side (torchaudio's `width`).
  const width = Math.ceil((lpw * orig) / base);
  const taps = 2 * width + orig;
  const outLength = Math.ceil((next * samples.length) / orig);
  const out = new Float32Array(outLength);
  const scale = base / orig;
  // Tap i of phase k multiplies input sample j*orig - width + i for output n = j*next + k.
  const tap = (k: number, i: number): number => {
    let t = (-k / next + (i - width) / orig) * base;
    t = Math.max(-lpw, Math.min(lpw, t));
    const w = Math.cos((t * Math.PI) / lpw / 2) ** 2;
    const x = t * Math.PI;
    return (x === 0 ? 1 : Math.sin(x) / x) * w * scale;
  };
  // Taps with |t| >= lpw are clamped to the window's zero, so each phase only needs the
  // ~2 * lpw * orig / base taps around its centre (torchaudio multiplies the zeros too).
  const reach = (lpw * orig) / base;
  const first = new Int32Array(next);
  const last = new Int32Array(next);
  for (let k = 0; k < next; k++) {
    first[k] = Math.max(0, Math.ceil(width + (orig * k) / next - reach));
    last[k] = Math.min(taps, Math.floor(width + (orig * k) / next + reach) + 1);
  }
  // Phase k's taps first[k]..last[k]-1, stored from offset k * span.
  const span = Math.ceil(2 * reach) + 2;
  const table = next * span <= MAX_TABLE ? new Float64Array(next * span) : undefined;
  if (table) for (let k = 0; k < next; k++) for (let i = first[k]!; i < last[k]!; i++) table[k * span + i - first[k]!] = tap(k, i);
  const row = table ? new Float64Array(0) : new Float64Array(span);
  let j = 0;
  let k = 0;
  for (let n = 0; n < outLength; n++) {
    // Output n = j * next + k, counted without a division per sample.
    const start = j * orig - width;
    // Only taps that land inside the signal count (torchaudio zero-pads).
    const lo = Math.max(first[k]!, -start);
    const hi = Math.min(last[k]!, samples.length - start);
    let acc = 0;
    if (table) {
      const off = k * span - first[k]!;
      for (let i = lo; i < hi; i++) acc += table[off + i]! * samples[start + i]!;
    } else {
      for (let i = lo; i < hi; i++) row[i - lo] = tap(k, i);
      for (let i = lo; i < hi; i++) acc += row[i - lo]! * samples[start + i]!;
    }
    out[n] = acc;
    if (++k === next) {
      k = 0;
      j++;
    }
  }
  return out;
}

import { OptionError } from '../../errors.js';

/**
 * A small complex FFT in float64: iterative radix-2 for powers of two, and Bluestein's chirp-z
 * algorithm (three radix-2 transforms of a padded size) for every other length, so an n_fft of
 * 400 (torchaudio's default) works as well as 512. Written here rather than taken from npm
 * because the well-kept packages (fft.js) only do powers of two, it is ~100 lines, and it is
 * tested against a naive DFT. Plans (twiddles, bit reversal, chirps) are cached per size.
 * realFft, for real signals such as STFT frames, does an even size with one complex FFT of half
 * the size (3x faster than the complex transform at 512).
 */

/** An in-place forward DFT of one size: X_k = sum_t x_t exp(-2 pi i k t / n). */
export interface Fft {
  readonly size: number;
  /** Transforms `re` + i `im` (both `[size]`) in place. */
  forward(re: Float64Array, im: Float64Array): void;
}

const plans = new Map<number, Fft>();

/**
 * The FFT plan for `size` (cached): radix-2 when `size` is a power of two, else Bluestein.
 *
 * @example
 * const re = Float64Array.from([1, 0, 0, 0]), im = new Float64Array(4);
 * fft(4).forward(re, im); // re = [1, 1, 1, 1], im = [0, 0, 0, 0]
 */
export function fft(size: number): Fft {
  if (!Number.isInteger(size) || size < 1 || size > 1 << 24) throw new OptionError(`fft: size must be an integer in 1..${1 << 24}, got ${size}`);
  let plan = plans.get(size);
  if (!plan) {
    plan = (size & (size - 1)) === 0 ? radix2(size) : bluestein(size);
    plans.set(size, plan);
  }
  return plan;
}

/** The DFT of a real signal, bins 0..floor(size / 2) (the rest are their conjugates). */
export interface RealFft {
  readonly size: number;
  /** Writes bins 0..floor(size / 2) of the DFT of `x` (`[size]`) to `re`, `im` (`[floor(size / 2) + 1]`). */
  forward(x: Float64Array, re: Float64Array, im: Float64Array): void;
}

const realPlans = new Map<number, RealFft>();

/**
 * The real-input FFT plan for `size` (cached). For even sizes it packs the even and odd samples
 * into one complex signal of half the size, transforms that, and untangles the two spectra,
 * which halves the work of an STFT frame.
 *
 * @example
 * const re = new Float64Array(3), im = new Float64Array(3);
 * realFft(4).forward(Float64Array.from([1, 2, 3, 4]), re, im); // re = [10, -2, -2], im = [0, 2, 0]
 */
export function realFft(size: number): RealFft {
  let plan = realPlans.get(size);
  if (!plan) {
    plan = size % 2 === 0 && size >= 4 ? packedReal(size) : viaComplex(size);
    realPlans.set(size, plan);
  }
  return plan;
}

function viaComplex(n: number): RealFft {
  const plan = fft(n);
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  return {
    size: n,
    forward(x, re, im) {
      zr.set(x.subarray(0, n));
      zi.fill(0);
      plan.forward(zr, zi);
      for (let k = 0; k <= n >> 1; k++) {
        re[k] = zr[k]!;
        im[k] = zi[k]!;
      }
    },
  };
}

function packedReal(n: number): RealFft {
  const h = n / 2;
  const plan = fft(h);
  const zr = new Float64Array(h);
  const zi = new Float64Array(h);
  const cos = Float64Array.from({ length: h + 1 }, (_, k) => Math.cos((2 * Math.PI * k) / n));
  const sin = Float64Array.from({ length: h + 1 }, (_, k) => -Math.sin((2 * Math.PI * k) / n));
  return {
    size: n,
    forward(x, re, im) {
      for (let t = 0; t < h; t++) {
        zr[t] = x[2 * t]!;
        zi[t] = x[2 * t + 1]!;
      }
      plan.forward(zr, zi);
      // E_k = (Z_k + conj Z_{h-k}) / 2 is the DFT of the even samples, O_k = (Z_k - conj Z_{h-k}) / 2i
      // of the odd ones; X_k = E_k + w^k O_k with w = exp(-2 pi i / n).
      for (let k = 0; k <= h; k++) {
        const a = k % h;
        const b = (h - k) % h;
        const er = (zr[a]! + zr[b]!) / 2;
        const ei = (zi[a]! - zi[b]!) / 2;
        const or = (zi[a]! + zi[b]!) / 2;
        const oi = -(zr[a]! - zr[b]!) / 2;
        re[k] = er + cos[k]! * or - sin[k]! * oi;
        im[k] = ei + cos[k]! * oi + sin[k]! * or;
      }
    },
  };
}

function radix2(n: number): Fft {
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 1; i < n; i++) rev[i] = (rev[i >> 1]! >> 1) | ((i & 1) << (bits - 1));
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  return {
    size: n,
    forward(re, im) {
      for (let i = 0; i < n; i++) {
        const j = rev[i]!;
        if (j > i) {
          let t = re[i]!;
          re[i] = re[j]!;
          re[j] = t;
          t = im[i]!;
          im[i] = im[j]!;
          im[j] = t;
        }
      }
      for (let len = 2; len <= n; len <<= 1) {
        const half = len >> 1;
        const step = n / len;
        for (let s = 0; s < n; s += len) {
          for (let k = 0; k < half; k++) {
            const wr = cos[k * step]!;
            const wi = sin[k * step]!;
            const a = s + k;
            const b = a + half;
            const xr = re[b]! * wr - im[b]! * wi;
            const xi = re[b]! * wi + im[b]! * wr;
            re[b] = re[a]! - xr;
            im[b] = im[a]! - xi;
            re[a] = re[a]! + xr;
            im[a] = im[a]! + xi;
          }
        }
      }
    },
  };
}

/** Bluestein: X_k = w_k sum_t (x_t w_t) conj(w_{k-t}), w_t = exp(-i pi t^2 / n), a convolution done by radix-2 FFTs. */
function bluestein(n: number): Fft {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const inner = radix2(m);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    // t^2 mod 2n keeps the angle small, so large t lose no precision.
    const a = (Math.PI * ((t * t) % (2 * n))) / n;
    wr[t] = Math.cos(a);
    wi[t] = -Math.sin(a);
  }
  // FFT of the chirp filter conj(w), wrapped so index -t sits at m - t.
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    br[t] = wr[t]!;
    bi[t] = -wi[t]!;
    if (t > 0) {
      br[m - t] = wr[t]!;
      bi[m - t] = -wi[t]!;
    }
  }
  inner.forward(br, bi);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return {
    size: n,
    forward(re, im) {
      ar.fill(0);
      ai.fill(0);
      for (let t = 0; t < n; t++) {
        ar[t] = re[t]! * wr[t]! - im[t]! * wi[t]!;
        ai[t] = re[t]! * wi[t]! + im[t]! * wr[t]!;
      }
      inner.forward(ar, ai);
      for (let k = 0; k < m; k++) {
        const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
        ai[k] = ar[k]! * bi[k]! + ai[k]! * br[k]!;
        ar[k] = r;
      }
      // Inverse FFT by conjugation: ifft(z) = conj(fft(conj(z))) / m.
      for (let k = 0; k < m; k++) ai[k] = -ai[k]!;
      inner.forward(ar, ai);
      for (let k = 0; k < n; k++) {
        const cr = ar[k]! / m;
        const ci = -ai[k]! / m;
        re[k] = cr * wr[k]! - ci * wi[k]!;
        im[k] = cr * wi[k]! + ci * wr[k]!;
      }
    },
  };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../../src/errors.js';
import { Rng } from '../../../src/tensor/random.js';
import { fft, hannWindow, realFft } from '../../../src/data/audio/index.js';

/** The DFT by its definition, O(n^2), in float64. */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      outRe[k] = outRe[k]! + re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      outIm[k] = outIm[k]! + re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
  }
  return [outRe, outIm];
}

// Radix-2 sizes, and Bluestein sizes: primes, odd, torchaudio's default 400, and 200 (25 ms at 8 kHz).
for (const n of [1, 2, 4, 8, 64, 256, 512, 3, 5, 7, 12, 97, 200, 400, 401]) {
  test(`fft(${n}) equals the naive DFT of random complex input`, () => {
    const rng = new Rng(n);
    const re = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
    const im = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
    const [er, ei] = naiveDft(re, im);
    fft(n).forward(re, im);
    // Both are float64; the error of an n-point DFT grows like eps * n (the naive one dominates).
    const tol = 1e-12 * n + 1e-13;
    for (let k = 0; k < n; k++) {
      assert.ok(Math.abs(re[k]! - er[k]!) <= tol && Math.abs(im[k]! - ei[k]!) <= tol, `bin ${k}: (${re[k]}, ${im[k]}) vs (${er[k]}, ${ei[k]})`);
    }
  });
}

// Packed (even sizes: half-size complex FFT, radix-2 or Bluestein) and plain (odd sizes) real FFTs.
for (const n of [1, 2, 3, 4, 6, 8, 10, 200, 256, 400, 401, 512]) {
  test(`realFft(${n}) equals bins 0..n/2 of the naive DFT of random real input`, () => {
    const rng = new Rng(1000 + n);
    const x = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
    const [er, ei] = naiveDft(x, new Float64Array(n));
    const bins = Math.floor(n / 2) + 1;
    const re = new Float64Array(bins);
    const im = new Float64Array(bins);
    realFft(n).forward(x, re, im);
    const tol = 1e-12 * n + 1e-13;
    for (let k = 0; k < bins; k++) {
      assert.ok(Math.abs(re[k]! - er[k]!) <= tol && Math.abs(im[k]! - ei[k]!) <= tol, `bin ${k}: (${re[k]}, ${im[k]}) vs (${er[k]}, ${ei[k]})`);
    }
  });
}

test('fft: a cosine at bin 3 of 400 gives n/2 at bins 3 and 397 and nothing elsewhere', () => {
  const n = 400;
  const re = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 3 * t) / n));
  const im = new Float64Array(n);
  fft(n).forward(re, im);
  for (let k = 0; k < n; k++) {
    const want = k === 3 || k === 397 ? 200 : 0;
    assert.ok(Math.abs(re[k]! - want) < 1e-9 && Math.abs(im[k]!) < 1e-9, `bin ${k}: ${re[k]} ${im[k]}`);
  }
});

test('fft: plans are cached, sizes are checked', () => {
  assert.equal(fft(64), fft(64));
  assert.throws(() => fft(0), (e: unknown) => e instanceof OptionError && /fft: size must be an integer in 1\.\.16777216, got 0/.test(e.message));
  assert.throws(() => fft(2.5), OptionError);
});

test('hannWindow: periodic as torch.hann_window (w[i] = 0.5 - 0.5 cos(2 pi i / N)), symmetric on request', () => {
  const w = hannWindow(4);
  [0, 0.5, 1, 0.5].forEach((v, i) => assert.ok(Math.abs(w[i]! - v) < 1e-15, `w[${i}] = ${w[i]}`));
  const sym = hannWindow(5, false);
  assert.ok(Math.abs(sym[2]! - 1) < 1e-15 && Math.abs(sym[4]!) < 1e-15 && Math.abs(sym[1]! - 0.5) < 1e-15);
});

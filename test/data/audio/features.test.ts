import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OptionError, ShapeError } from '../../../src/errors.js';
import {
  audioFeatures, decodeWav, dctMatrix, logMelSpectrogram, melFilterbank, mfcc, normaliseRms, powerSpectrogram, resample, resolveMelOptions, subtractRecordingMean, wavFeatures, type Frames,
} from '../../../src/data/audio/index.js';

// Reference values from torchaudio 0.13 in float64 (scripts/make-audio-fixtures.py; conventions in its docstring).
const FIXTURES = new URL('../../fixtures/audio/', import.meta.url);
interface FeatureRef { win: number; hop: number; nFft: number; logmel: number[][]; mfcc: number[][] }
interface FileRef {
  file: string;
  sampleRate: number;
  decoded: { length: number; first: number[]; sum: number; sumSquares: number };
  native: FeatureRef;
  resampled: { rate: number; length: number; first: number[]; every17: number[]; features: FeatureRef };
  slaney?: FeatureRef;
  nfft400?: FeatureRef;
  power?: { nFft: number; win: number; hop: number; frames: number; first5: number[][] };
}
const refs = JSON.parse(readFileSync(new URL('references.json', FIXTURES), 'utf8')) as { files: FileRef[] };

/**
 * Tolerance against the float64 references: our features are computed in float64 and returned
 * as float32, whose rounding is half an ulp, 6e-8 relative (~4e-6 on an MFCC c0 near -90).
 * |ours - ref| <= 2e-6 + 2e-7 |ref| is about three half-ulps; the worst case measured is a
 * quarter of it. A wrong convention (window, padding, mel scale, log base, DCT norm) is off by
 * 1e-2 or more.
 */
function assertClose(ours: Frames, ref: number[][], what: string): void {
  assert.equal(ours.frames, ref.length, `${what}: frames`);
  assert.equal(ours.width, ref[0]!.length, `${what}: width`);
  ref.forEach((row, t) =>
    row.forEach((v, m) => {
      const got = ours.data[t * ours.width + m]!;
      assert.ok(Math.abs(got - v) <= 2e-6 + 2e-7 * Math.abs(v), `${what}: frame ${t} band ${m}: ${got} vs torchaudio ${v}`);
    }),
  );
}

function checkFeatures(x: Float32Array, rate: number, ref: FeatureRef, what: string, extra: { melScale?: 'slaney'; melNorm?: 'slaney' } = {}): void {
  const o = { winLength: ref.win, hopLength: ref.hop, nFft: ref.nFft, nMels: 40, ...extra };
  assertClose(logMelSpectrogram(x, rate, o), ref.logmel, `${what} log-mel`);
  assertClose(mfcc(x, rate, { ...o, nMfcc: 13 }), ref.mfcc, `${what} MFCC`);
}

const load = (name: string) => decodeWav(readFileSync(new URL(name, FIXTURES)), { source: name });

for (const ref of refs.files) {
  test(`${ref.file}: decoded like torchaudio.load (mean of channels)`, () => {
    const w = load(ref.file);
    assert.equal(w.sampleRate, ref.sampleRate);
    assert.equal(w.samples.length, ref.decoded.length);
    ref.decoded.first.forEach((v, i) => assert.ok(Math.abs(w.samples[i]! - v) < 1e-7, `sample ${i}: ${w.samples[i]} vs ${v}`));
    let sum = 0;
    let sq = 0;
    for (const s of w.samples) {
      sum += s;
      sq += s * s;
    }
    assert.ok(Math.abs(sum - ref.decoded.sum) < 1e-6 * ref.decoded.length, `sum ${sum} vs ${ref.decoded.sum}`);
    assert.ok(Math.abs(sq / ref.decoded.sumSquares - 1) < 1e-6, `sum of squares ${sq} vs ${ref.decoded.sumSquares}`);
  });

  test(`${ref.file}: log-mel and MFCC at ${ref.sampleRate} Hz match torchaudio`, () => {
    checkFeatures(load(ref.file).samples, ref.sampleRate, ref.native, `${ref.file} native`);
  });

  test(`${ref.file}: resampled to 16 kHz and its features match torchaudio`, () => {
    const y = resample(load(ref.file).samples, ref.sampleRate, 16000);
    assert.equal(y.length, ref.resampled.length);
    ref.resampled.first.forEach((v, i) => assert.ok(Math.abs(y[i]! - v) < 1e-6, `sample ${i}: ${y[i]} vs ${v}`));
    ref.resampled.every17.forEach((v, i) => assert.ok(Math.abs(y[i * 17]! - v) < 1e-6, `sample ${i * 17}: ${y[i * 17]} vs ${v}`));
    checkFeatures(y, 16000, ref.resampled.features, `${ref.file} 16 kHz`);
  });
}

test('slaney mel scale with slaney norm, an n_fft of 400 (Bluestein) and the power spectrogram match torchaudio', () => {
  const ref = refs.files.find((f) => f.slaney)!;
  const x = load(ref.file).samples;
  checkFeatures(x, ref.sampleRate, ref.slaney!, 'slaney', { melScale: 'slaney', melNorm: 'slaney' });
  checkFeatures(x, ref.sampleRate, ref.nfft400!, 'n_fft 400');
  const p = ref.power!;
  const spec = powerSpectrogram(x, { nFft: p.nFft, winLength: p.win, hopLength: p.hop });
  assert.equal(spec.frames, p.frames);
  p.first5.forEach((row, t) => {
    const peak = Math.max(...row);
    // Power relative to the frame's peak: float64 FFTs agree to ~1e-12 of the largest bin.
    row.forEach((v, k) => assert.ok(Math.abs(spec.data[t * spec.width + k]! - v) <= 1e-9 * peak + 1e-12, `frame ${t} bin ${k}`));
  });
});

test('wavFeatures: bytes to 16 kHz log-mel in one call, the same as the steps (at the recorded level)', () => {
  const ref = refs.files[0]!;
  const bytes = readFileSync(new URL(ref.file, FIXTURES));
  const x = wavFeatures(bytes, { source: ref.file, winLength: 400, hopLength: 160, nFft: 512, rmsLevel: 0 });
  assertClose(x, ref.resampled.features.logmel, 'wavFeatures');
  assert.equal(wavFeatures(bytes, { features: 'mfcc', targetRate: 8000 }).width, 13);
});

test('audioFeatures: scaled to one RMS level first, so a 20 dB quieter copy gives the same features', () => {
  const wav = load(refs.files[0]!.file);
  const quiet = wav.samples.map((v) => v / 10);
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
  assert.ok(Math.abs(rms(normaliseRms(quiet)) - 0.05) < 1e-7 && Math.abs(rms(normaliseRms(wav.samples, 0.2)) - 0.2) < 1e-6);
  const a = audioFeatures(wav.samples, 8000, { targetRate: 8000 });
  const b = audioFeatures(quiet, 8000, { targetRate: 8000 });
  a.data.forEach((v, i) => assert.ok(Math.abs(v - b.data[i]!) < 1e-4, `value ${i}: ${v} vs ${b.data[i]}`));
  // At the recorded level every band moves by ln(100) = 4.6 (more where the 1e-6 floor dominates).
  const c = audioFeatures(quiet, 8000, { targetRate: 8000, rmsLevel: 0 });
  const d = audioFeatures(wav.samples, 8000, { targetRate: 8000, rmsLevel: 0 });
  assert.ok(Math.abs(d.data[20 * 40 + 10]! - c.data[20 * 40 + 10]! - Math.log(100)) < 0.05);
  assert.deepEqual(Array.from(normaliseRms(new Float32Array(3))), [0, 0, 0]);
  // Or each band's own mean over the recording subtracted: every band then averages 0, and the
  // gain cancels except where the 1e-6 log offset dominates (near-silent bands of the quiet copy).
  const e = audioFeatures(quiet, 8000, { targetRate: 8000, rmsLevel: 0, subtractRecordingMean: true });
  const f = subtractRecordingMean(c);
  e.data.forEach((v, i) => assert.ok(Math.abs(v - f.data[i]!) < 1e-6, `value ${i}: ${v} vs ${f.data[i]}`));
  for (let b = 0; b < 40; b++) {
    let sum = 0;
    for (let t = 0; t < f.frames; t++) sum += f.data[t * 40 + b]!;
    assert.ok(Math.abs(sum / f.frames) < 1e-5, `band ${b} mean ${sum / f.frames}`);
  }
  const meanAbsDiff = (p: Frames, q: Frames) => p.data.reduce((a, v, i) => a + Math.abs(v - q.data[i]!), 0) / p.data.length;
  const raw = meanAbsDiff(c, d);
  const centred = meanAbsDiff(f, subtractRecordingMean(d));
  // Measured: 4.57 (ln 100 = 4.61) at the recorded level, 0.027 after the recording's mean is subtracted.
  assert.ok(raw > 4 && centred < 0.1, `mean |difference| ${raw} raw, ${centred} centred`);
  assert.throws(() => audioFeatures(wav.samples, 8000, { rmsLevel: -1 }), (e: unknown) => e instanceof OptionError && /rmsLevel must be >= 0/.test(e.message));
});

test('defaults: 25 ms / 10 ms windows, nFft the next power of two, 40 HTK bands to floor(rate / 2)', () => {
  assert.deepEqual(resolveMelOptions(16000), {
    sampleRate: 16000, winLength: 400, hopLength: 160, nFft: 512, nMels: 40, fMin: 0, fMax: 8000, melScale: 'htk', melNorm: 'none', center: true,
  });
  assert.deepEqual([resolveMelOptions(8000).winLength, resolveMelOptions(8000).nFft, resolveMelOptions(22050).fMax], [200, 256, 11025]);
  // 1 s at 16 kHz: 1 + floor(16000 / 160) = 101 centred frames.
  const x = logMelSpectrogram(new Float32Array(16000).fill(0.1), 16000);
  assert.deepEqual([x.frames, x.width], [101, 40]);
});

test('mel filterbank: HTK triangles peak at 1 on their centre bins; the DCT matrix is orthonormal', () => {
  const fb = melFilterbank({ bins: 257, sampleRate: 16000, nMels: 40 });
  for (let m = 0; m < 40; m++) {
    let peak = 0;
    for (let k = 0; k < 257; k++) peak = Math.max(peak, fb[k * 40 + m]!);
    assert.ok(peak > 0.5 && peak <= 1, `band ${m} peak ${peak}`);
  }
  const d = dctMatrix(40, 40);
  for (let a = 0; a < 40; a++) {
    for (let b = 0; b < 40; b++) {
      let dot = 0;
      for (let n = 0; n < 40; n++) dot += d[n * 40 + a]! * d[n * 40 + b]!;
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `columns ${a}, ${b}: ${dot}`);
    }
  }
});

test('features: bad options and empty signals name the problem', () => {
  const x = new Float32Array(800);
  assert.throws(() => logMelSpectrogram(new Float32Array(0), 8000), (e: unknown) => e instanceof ShapeError && /stft: the signal is empty/.test(e.message));
  assert.throws(() => logMelSpectrogram(x, 8000, { nFft: 128, winLength: 200 }), (e: unknown) => e instanceof OptionError && /the window \(200 samples\) is longer than nFft = 128/.test(e.message));
  assert.throws(() => mfcc(x, 8000, { nMfcc: 41 }), (e: unknown) => e instanceof OptionError && /nMfcc must be an integer in 1\.\.nMels \(40\), got 41/.test(e.message));
  assert.throws(() => logMelSpectrogram(x, 8000, { fMax: 5000 }), (e: unknown) => e instanceof OptionError && /need 0 <= fMin < fMax <= sampleRate \/ 2 \(4000 Hz\)/.test(e.message));
  assert.throws(() => logMelSpectrogram(x, 8000, { logOffset: 0 }), (e: unknown) => e instanceof OptionError && /logOffset must be a positive number/.test(e.message));
  assert.throws(() => powerSpectrogram(new Float32Array(10), { nFft: 64, center: false }), (e: unknown) => e instanceof ShapeError && /a signal of 10 samples is shorter than nFft = 64/.test(e.message));
  // Centred frames work for signals shorter than the window (reflection repeats).
  assert.equal(logMelSpectrogram(new Float32Array([0.5, -0.5, 0.25]), 8000).frames, 1);
});

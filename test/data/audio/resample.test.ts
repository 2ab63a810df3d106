import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OptionError } from '../../../src/errors.js';
import { resample } from '../../../src/data/audio/index.js';

const FIXTURES = new URL('../../fixtures/audio/', import.meta.url);
interface ResampleCase { name: string; from: number; to: number; length: number; output: number[] }
const refs = JSON.parse(readFileSync(new URL('references.json', FIXTURES), 'utf8')) as { resample: ResampleCase[] };

const tone = (hz: number, rate: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
/** RMS away from the ends, where the zero padding makes the filter see a step. */
function interiorRms(x: Float32Array): number {
  let s = 0;
  for (let i = 100; i < x.length - 100; i++) s += x[i]! ** 2;
  return Math.sqrt(s / (x.length - 200));
}

test('resample: matches torchaudio.functional.resample (defaults) on a 1 kHz sine, 44.1 -> 16 kHz', () => {
  const c = refs.resample.find((r) => r.name === 'sine1k_44100_to_16000')!;
  const y = resample(tone(1000, 44100, 4410), c.from, c.to);
  assert.equal(y.length, c.length);
  // Same kernel in float64; the differences are our float32 input and output (~6e-8 each).
  let worst = 0;
  c.output.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - y[i]!))));
  assert.ok(worst < 1e-6, `max |ours - torchaudio| = ${worst}`);
});

test('resample: a 440 Hz tone keeps its frequency and phase, up (8 -> 16 kHz), down (44.1 -> 16) and coprime (44,101 -> 16)', () => {
  for (const from of [8000, 44100, 44101]) {
    const y = resample(tone(440, from, from), from, 16000);
    assert.equal(y.length, 16000);
    const ideal = tone(440, 16000, 16000);
    let worst = 0;
    for (let i = 100; i < y.length - 100; i++) worst = Math.max(worst, Math.abs(y[i]! - ideal[i]!));
    // Passband ripple of the Hann-windowed sinc at 440 Hz; a shifted pitch or phase would give errors near 1.
    assert.ok(worst < 1e-3, `${from} Hz: max error ${worst}`);
  }
});

test('resample: rates whose polyphase table would be too large (999,983 -> 16,000 Hz) compute taps per sample, same tone', () => {
  const from = 999_983; // prime: 16,000 phases of ~760 taps each, over the 2^20-number table limit
  const y = resample(tone(1000, from, 50_000), from, 16000);
  assert.equal(y.length, Math.ceil((50_000 * 16000) / from));
  const ideal = tone(1000, 16000, y.length);
  let worst = 0;
  for (let i = 50; i < y.length - 50; i++) worst = Math.max(worst, Math.abs(y[i]! - ideal[i]!));
  assert.ok(worst < 1e-3, `max error ${worst}`);
});

test('resample: tones above the new Nyquist frequency are suppressed, not folded back', () => {
  // 16 -> 8 kHz: a 5 kHz tone would alias to 3 kHz at full amplitude if samples were just picked.
  const in5k = interiorRms(tone(5000, 16000, 16000));
  assert.ok(interiorRms(resample(tone(5000, 16000, 16000), 16000, 8000)) < 0.01 * in5k, 'a 5 kHz tone is attenuated by over 40 dB');
  assert.ok(interiorRms(resample(tone(7000, 44100, 44100), 44100, 8000)) < 1e-4 * in5k, 'a 7 kHz tone, 3 kHz past Nyquist, by over 80 dB');
  // ...while a 3 kHz tone below the cut-off passes within 2%.
  const pass = interiorRms(resample(tone(3000, 16000, 16000), 16000, 8000));
  assert.ok(Math.abs(pass / in5k - 1) < 0.02, `3 kHz gain ${pass / in5k}`);
});

test('resample: lengths are ceil(n * to / from) as torchaudio; equal rates return the input; bad rates are OptionErrors', () => {
  const x = new Float32Array(1001).fill(0.25);
  assert.equal(resample(x, 8000, 16000).length, 2002);
  assert.equal(resample(x, 16000, 8000).length, 501);
  assert.equal(resample(x, 44100, 16000).length, Math.ceil((1001 * 160) / 441));
  assert.equal(resample(x, 8000, 8000), x);
  // A constant stays constant away from the ends (the filter's DC gain is 1 up to its ripple).
  const y = resample(x, 8000, 16000);
  for (let i = 50; i < 1950; i++) assert.ok(Math.abs(y[i]! - 0.25) < 1e-3, `sample ${i}: ${y[i]}`);
  assert.throws(() => resample(x, 0, 16000), (e: unknown) => e instanceof OptionError && /resample: fromRate must be a positive integer number of Hz, got 0/.test(e.message));
  assert.throws(() => resample(x, 8000, 22050.5), OptionError);
  assert.throws(() => resample(x, 8000, 16000, { rolloff: 1.5 }), (e: unknown) => e instanceof OptionError && /rolloff must be in \(0, 1\]/.test(e.message));
});

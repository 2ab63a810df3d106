import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../../src/errors.js';
import { Rng } from '../../../src/tensor/random.js';
import { specAugment, type Frames } from '../../../src/data/audio/index.js';

/** 50 frames x 40 bands of values that are never 0, so masked cells are exactly the zeros. */
const x: Frames = { frames: 50, width: 40, data: Float32Array.from({ length: 2000 }, (_, i) => 1 + (i % 7)) };

/** Masked bands (zero in every frame) and masked frames (zero in every band). */
function masks(f: Frames): { bands: number[]; frames: number[]; zeros: number } {
  const isZero = (t: number, b: number) => f.data[t * f.width + b] === 0;
  const frames = Array.from({ length: f.frames }, (_, t) => t).filter((t) => Array.from({ length: f.width }, (_, b) => b).every((b) => isZero(t, b)));
  const bands = Array.from({ length: f.width }, (_, b) => b).filter((b) => Array.from({ length: f.frames }, (_, t) => t).every((t) => isZero(t, b)));
  return { bands, frames, zeros: f.data.filter((v) => v === 0).length };
}

/** Longest run of consecutive integers in a sorted list. */
function longestRun(xs: number[]): number {
  let best = 0;
  let run = 0;
  xs.forEach((v, i) => {
    run = i > 0 && v === xs[i - 1]! + 1 ? run + 1 : 1;
    best = Math.max(best, run);
  });
  return best;
}

test('specAugment: at most 2 band masks of < 8 bands and 2 time masks of < min(10, 20% of frames); nothing else changes', () => {
  let anyMasked = 0;
  for (let seed = 0; seed < 200; seed++) {
    const y = specAugment(x, new Rng(seed));
    const m = masks(y);
    // Every zero lies in a masked band or a masked frame, and the rest is the input unchanged.
    assert.equal(m.zeros, m.bands.length * 50 + m.frames.length * 40 - m.bands.length * m.frames.length, `seed ${seed}`);
    y.data.forEach((v, i) => assert.ok(v === 0 || v === x.data[i], `seed ${seed} cell ${i}`));
    assert.ok(m.bands.length <= 2 * 7 && longestRun(m.bands) <= 14, `seed ${seed}: bands ${m.bands}`);
    assert.ok(m.frames.length <= 2 * 9, `seed ${seed}: frames ${m.frames}`);
    anyMasked += m.bands.length > 0 && m.frames.length > 0 ? 1 : 0;
  }
  assert.ok(anyMasked > 150, `only ${anyMasked} of 200 draws masked both bands and frames`);
  assert.ok(x.data.every((v) => v !== 0), 'the input is left unchanged');
});

test('specAugment: the same seed gives the same masks; another seed other masks; a given fill value', () => {
  assert.deepEqual(specAugment(x, new Rng(7)).data, specAugment(x, new Rng(7)).data);
  assert.notDeepEqual(specAugment(x, new Rng(7)).data, specAugment(x, new Rng(8)).data);
  const y = specAugment(x, new Rng(3), { freqMasks: 1, timeMasks: 0, freqMaskParam: 40, value: -5 });
  assert.ok(y.data.some((v) => v === -5));
  assert.deepEqual(masks(specAugment(x, new Rng(3), { freqMasks: 0, timeMasks: 0 })).zeros, 0);
});

test('specAugment: a recording too short for a time mask (20% of 4 frames < 1) gets none; bad options are OptionErrors', () => {
  const short: Frames = { frames: 4, width: 40, data: new Float32Array(160).fill(1) };
  for (let seed = 0; seed < 20; seed++) assert.equal(masks(specAugment(short, new Rng(seed), { freqMasks: 0 })).frames.length, 0);
  assert.throws(() => specAugment(x, new Rng(1), { timeMasks: -1 }), (e: unknown) => e instanceof OptionError && /timeMasks must be a non-negative integer, got -1/.test(e.message));
  assert.throws(() => specAugment(x, new Rng(1), { maxTimeFraction: 2 }), OptionError);
});

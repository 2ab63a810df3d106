import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError, ShapeError } from '../../../src/errors.js';
import { FeatureNormaliser, wavFeatures, type Frames } from '../../../src/data/audio/index.js';

const FIXTURES = new URL('../../fixtures/audio/', import.meta.url);
const features = (name: string) => wavFeatures(readFileSync(new URL(name, FIXTURES)), { source: name, targetRate: 8000 });
// Speaker-independent split: george and lucas train, theo is held out.
const train = ['0_george_0.wav', '3_lucas_12.wav'].map(features);
const heldOut = features('7_theo_3.wav');

function bandStats(fs: readonly Frames[], band: number): { mean: number; std: number } {
  const xs = fs.flatMap((f) => Array.from({ length: f.frames }, (_, t) => f.data[t * f.width + band]!));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}

test('FeatureNormaliser: fitted on the training recordings only, per band', () => {
  const norm = FeatureNormaliser.fit(train);
  assert.equal(norm.frames, train[0]!.frames + train[1]!.frames);
  assert.equal(norm.width, 40);
  for (let b = 0; b < 40; b++) {
    const s = bandStats(train, b);
    assert.ok(Math.abs(norm.mean[b]! - s.mean) < 1e-9 && Math.abs(norm.std[b]! - s.std) < 1e-9, `band ${b}`);
  }
  // The held-out speaker's frames played no part: including them would move every band's mean.
  const withTest = FeatureNormaliser.fit([...train, heldOut]);
  for (let b = 0; b < 40; b++) assert.notEqual(norm.mean[b], withTest.mean[b]);
  // Training features come out with mean 0 and std 1 in every band.
  const z = train.map((f) => norm.apply(f));
  for (let b = 0; b < 40; b++) {
    const s = bandStats(z, b);
    assert.ok(Math.abs(s.mean) < 1e-5 && Math.abs(s.std - 1) < 1e-5, `band ${b}: mean ${s.mean}, std ${s.std}`);
  }
  // Held-out features use the training statistics as they are.
  const h = norm.apply(heldOut);
  for (const [t, b] of [[0, 0], [5, 17], [heldOut.frames - 1, 39]] as const) {
    const want = (heldOut.data[t * 40 + b]! - norm.mean[b]!) / norm.std[b]!;
    assert.ok(Math.abs(h.data[t * 40 + b]! - want) < 1e-5, `frame ${t} band ${b}`);
  }
});

test('FeatureNormaliser: JSON round trip (for checkpoints) gives identical outputs', () => {
  const norm = FeatureNormaliser.fit(train);
  const back = FeatureNormaliser.fromJSON(JSON.parse(JSON.stringify(norm)), 'config.json');
  assert.deepEqual(Array.from(back.mean), Array.from(norm.mean));
  assert.deepEqual(Array.from(back.std), Array.from(norm.std));
  assert.deepEqual(back.apply(heldOut).data, norm.apply(heldOut).data);
});

test('FeatureNormaliser: a constant band is centred, not divided by ~0', () => {
  const f: Frames = { frames: 3, width: 2, data: Float32Array.from([1, 5, 2, 5, 3, 5]) };
  const norm = FeatureNormaliser.fit([f]);
  // Band 0: mean 2, population std sqrt(2/3); band 1 is always 5.
  assert.deepEqual(Array.from(norm.apply(f).data), [-Math.sqrt(1.5), 0, 0, 0, Math.sqrt(1.5), 0].map(Math.fround));
});

test('FeatureNormaliser: widths, empty sets and bad JSON are named errors', () => {
  const norm = FeatureNormaliser.fit(train);
  const narrow: Frames = { frames: 1, width: 13, data: new Float32Array(13) };
  assert.throws(() => norm.apply(narrow), (e: unknown) => e instanceof ShapeError && /features have 13 values per frame, the normaliser was fitted on 40/.test(e.message));
  assert.throws(() => FeatureNormaliser.fit([]), (e: unknown) => e instanceof ShapeError && /no training features/.test(e.message));
  assert.throws(() => FeatureNormaliser.fit([train[0]!, narrow]), (e: unknown) => e instanceof ShapeError && /recording 1 has 13 values per frame, the first has 40/.test(e.message));
  const ok = norm.toJSON();
  const bad = (patch: object, re: RegExp) => assert.throws(() => FeatureNormaliser.fromJSON({ ...ok, ...patch }, 'ck/config.json'), (e: unknown) => e instanceof FormatError && re.test(e.message));
  bad({ kind: 'other' }, /^ck\/config\.json: expected an object with kind 'feature-normaliser'/);
  bad({ version: 2 }, /unsupported version 2/);
  bad({ mean: [1, null] }, /'mean' must be a non-empty array of finite numbers/);
  bad({ std: [1] }, /'mean' has 40 values but 'std' has 1/);
  bad({ std: ok.std.map((s) => -s) }, /'std' holds a negative value/);
  bad({ frames: 0 }, /'frames' must be a positive integer/);
  assert.throws(() => FeatureNormaliser.fromJSON(null), FormatError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/index.js';
import {
  applyTransform,
  chooseTransform,
  decodePrediction,
  encodeTargets,
  encodeWindow,
  featureCount,
  fitEncoding,
  invertTransform,
} from '../../src/data/windows.js';
import { guerreroLambda } from '../../src/data/guerrero.js';
import { detectSeason } from '../../src/data/series.js';

const series = (n: number, f: (t: number) => number) => Float64Array.from({ length: n }, (_, t) => f(t));

for (const transform of ['none', 'log'] as const) {
  test(`windows (${transform}): decoding the encoded target gives back the true value`, () => {
    const y = series(60, (t) => 50 + 3 * t + 10 * Math.sin(t / 3));
    const extra = series(60, (t) => Math.cos(t) * 4 + t);
    const z = applyTransform(y, transform);
    const enc = fitEncoding(z, [extra], 40, transform, ['y', 'x']);
    assert.equal(featureCount(enc), 3);
    const H = 3;
    for (const t of [5, 20, 57]) {
      const targets = new Float32Array(H);
      encodeTargets(z, enc, t, H, targets, 0);
      for (let k = 0; k < H; k++) {
        const back = decodePrediction(targets[k]!, z[t - 1]!, enc);
        assert.ok(Math.abs(back - y[t + k]!) < 1e-4 * Math.abs(y[t + k]!), `t=${t} k=${k}: ${back} vs ${y[t + k]}`);
      }
    }
  });
}

test('fitEncoding: scalers fitted on the training part only; window features by hand', () => {
  // z = [0, 1, 3, 6, 10, | 100, 1000]: changes in training 1, 2, 3, 4
  const z = Float64Array.from([0, 1, 3, 6, 10, 100, 1000]);
  const enc = fitEncoding(z, [], 5, 'none', ['v']);
  assert.equal(enc.level.mean, 4);
  assert.ok(Math.abs(enc.level.std - Math.sqrt((16 + 9 + 1 + 4 + 36) / 4)) < 1e-12);
  assert.equal(enc.change.mean, 2.5);
  assert.ok(Math.abs(enc.change.std - Math.sqrt(5 / 3)) < 1e-12);
  const out = new Float32Array(2 * 2);
  encodeWindow(z, [], enc, 4, 2, out, 0); // steps 2 and 3
  const ex = [(3 - 4) / enc.level.std, (2 - 2.5) / enc.change.std, (6 - 4) / enc.level.std, (3 - 2.5) / enc.change.std];
  ex.forEach((v, i) => assert.ok(Math.abs(out[i]! - v) < 1e-6, `feature ${i}: ${out[i]} vs ${v}`));
  assert.throws(() => fitEncoding(Float64Array.from([1, 2, 4, 7, 11, 16]), [Float64Array.from([7, 7, 7, 7, 8, 9])], 4, 'none', ['v', 'flat']), /column 'flat': is constant/);
});

test('applyTransform / invertTransform: log round trip', () => {
  const z = applyTransform([1, Math.E, 100], 'log');
  assert.deepEqual([...z].map((v) => +v.toFixed(12)), [0, 1, +Math.log(100).toFixed(12)]);
  assert.ok(Math.abs(invertTransform(z[2]!, 'log') - 100) < 1e-10);
  assert.equal(invertTransform(5, 'none'), 5);
});

test('chooseTransform: auto picks log for positive series spanning 3x in training whose swings grow with the level; explicit choices', () => {
  const grow = series(30, (t) => 10 * 1.1 ** t); // 10 .. ~159 in training
  assert.equal(chooseTransform(grow, 20, 'auto', 'c'), 'log');
  // spanning 3x but with swings of constant size (Guerrero's lambda about 1): its own scale
  const additive = series(60, (t) => 20 + 3 * t + 5 * Math.sin((t * 2 * Math.PI) / 4) + 2 * Math.cos(t * 1.3));
  assert.equal(chooseTransform(additive, 59, 'auto', 'c', 4), 'none');
  const multiplicative = series(60, (t) => (20 + 3 * t) * (1 + 0.2 * Math.sin((t * 2 * Math.PI) / 4) + 0.05 * Math.cos(t * 1.3)));
  assert.equal(chooseTransform(multiplicative, 59, 'auto', 'c', 4), 'log');
  // The season decides: a monthly season whose swings grow with the level, plus alternating
  // noise of constant size. Judged on pairs, the noise dominates (R: lambda 0.63, its own
  // scale); judged on years, the season does (R: 0.17, log). Not given, it is detected (12).
  const seasonal = series(96, (t) => (20 + 2 * t) * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 12)) + 6 * (t % 2 ? 1 : -1));
  assert.equal(guerreroLambda(seasonal, 2), 0.63);
  assert.equal(guerreroLambda(seasonal, 12), 0.17);
  assert.equal(chooseTransform(seasonal, 96, 'auto', 'c', 2), 'none');
  assert.equal(chooseTransform(seasonal, 96, 'auto', 'c', 12), 'log');
  assert.equal(detectSeason(seasonal, 60), 12);
  assert.equal(chooseTransform(seasonal, 96, 'auto', 'c'), 'log');
  const narrow = series(30, (t) => 10 + t / 10);
  assert.equal(chooseTransform(narrow, 20, 'auto', 'c'), 'none');
  // the span is judged on the training part: growth only after trainEnd is not enough
  const late = series(30, (t) => (t < 20 ? 10 + (t % 2) : 10 * 2 ** (t - 19)));
  assert.equal(chooseTransform(late, 20, 'auto', 'c'), 'none');
  // any value <= 0 anywhere rules log out
  const zero = Float64Array.from(grow);
  zero[25] = 0;
  assert.equal(chooseTransform(zero, 20, 'auto', 'c'), 'none');
  assert.equal(chooseTransform(narrow, 20, 'log', 'c'), 'log');
  assert.equal(chooseTransform(grow, 20, 'none', 'c'), 'none');
  assert.throws(() => chooseTransform(zero, 20, 'log', "column 'v'"), (e: unknown) => e instanceof FormatError && /column 'v': the log transform needs positive values; the smallest is 0/.test(e.message));
});

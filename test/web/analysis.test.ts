// The visualiser's pure data logic, checked in Node: symlog scale, surprise in bits, unit
// ordering, decoding accuracy, the LSTM cell-path gradient, the variant spread, windows and
// the race form's validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bestUnits, cellStateGrad, decodingAccuracy, orderUnits, stepNorms, surpriseBits, symlog, symlogInverse, unitVariance, variantSpread, windowAround,
} from '../../web/src/analysis.js';
import { symlogDiverging } from '../../web/src/colors.js';
import { validateRace } from '../../web/src/validate.js';

test('symlog is linear near 0, logarithmic far out, odd, and inverted by symlogInverse', () => {
  assert.equal(symlog(0), 0);
  assert.ok(Math.abs(symlog(1e-4) - 1e-4) < 1e-8, 'slope 1 at 0');
  assert.equal(symlog(-3), -Math.log(4));
  assert.ok(Math.abs(symlog(99) - Math.log(100)) < 1e-12);
  for (const v of [-94.9, -2, -0.3, 0, 0.01, 5, 100]) assert.ok(Math.abs(symlogInverse(symlog(v, 0.5), 0.5) - v) < 1e-9 * Math.max(1, Math.abs(v)));
});

test('the cell-state colour scale is fixed: ±1 and ±90 both stay distinguishable, white at 0', () => {
  const s = symlogDiverging(100);
  assert.deepEqual(s.color(0).map(Math.round), [247, 247, 247]);
  const gap = (a: number, b: number) => Math.hypot(...s.color(a).map((x, k) => x - s.color(b)[k]!));
  assert.ok(gap(0, 1) > 40, `0 vs 1: ${gap(0, 1)}`);
  assert.ok(gap(10, 90) > 40, `10 vs 90: ${gap(10, 90)}`);
  assert.ok(Math.abs(s.at!(0.5)) < 1e-9 && Math.abs(s.at!(1) - 100) < 1e-9 && Math.abs(s.at!(0) + 100) < 1e-9);
});

test('surprise is −log2 P(actual next character); the last step has none', () => {
  const probs = Float32Array.of(0.5, 0.25, 0.25, 0.125, 0.125, 0.75, 1 / 3, 1 / 3, 1 / 3);
  const bits = surpriseBits(probs, Int32Array.of(0, 1, 2), 3);
  assert.equal(bits[0], 2); // P(id 1 at step 0) = 0.25
  assert.ok(Math.abs(bits[1]! - -Math.log2(0.75)) < 1e-6);
  assert.ok(Number.isNaN(bits[2]));
});

test('orderUnits keeps the most active units and puts correlated units side by side', () => {
  // Units 0 and 2 follow one signal, 1 and 3 another, 4 is flat.
  const T = 50;
  const H = 5;
  const data = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    const a = Math.sin(t / 3);
    const b = t % 7 < 3 ? 1 : -1;
    data.set([a * 2, b, a * 1.5 + 0.01 * Math.cos(t), b * 0.9, 0.2], t * H);
  }
  assert.deepEqual(unitVariance(data, T, H).map((v) => v > 0.01), [true, true, true, true, false]);
  const order = orderUnits(data, T, H);
  assert.equal(order.length, 5);
  assert.equal(order[0], 0, 'the most active first');
  assert.equal(order[1], 2, 'then the unit most correlated with it');
  assert.deepEqual(new Set(order.slice(2, 4)), new Set([1, 3]));
  assert.equal(order[4], 4, 'the flat unit last');
  assert.deepEqual(orderUnits(data, T, H, 2), [0, 2], 'keep = 2 keeps the two most active');
});

test('decodingAccuracy scores a unit that separates the classes 1 and a noise unit near chance', () => {
  const N = 400;
  const H = 2;
  const labels = Int32Array.from({ length: N }, (_, n) => n % 4);
  const values = new Float32Array(N * H);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < N; n++) values.set([labels[n]! * 2 + rand() * 0.5, rand()], n * H);
  const acc = decodingAccuracy(values, labels, H, 4);
  assert.equal(acc[0], 1);
  assert.ok(acc[1]! < 0.45, `noise unit ${acc[1]}`);
  assert.deepEqual(bestUnits(acc, 1), [0]);
  assert.deepEqual(bestUnits([0.5, 0.9, 0.9, 0.1], 2), [1, 2], 'ties keep the lower index first');
});

test('cellStateGrad matches finite differences of a loss through the cell-state path', () => {
  // Gates that do not depend on h (no recurrent weights): dL/dh_t is then the direct term,
  // and nudging c_t changes the loss only along c -> c_{t+1} (via f) and h_t = o·tanh(c_t).
  const T = 6;
  const f = Float32Array.of(0.9, 0.2, 0.99, 0.5, 0.7, 0.95);
  const o = Float32Array.of(0.3, 0.8, 0.6, 0.1, 0.9, 0.5);
  const ig = Float32Array.of(0.4, -0.7, 0.2, 1.1, -0.3, 0.05);
  const w = Float32Array.of(0.5, -1, 2, 0.3, -0.4, 1.5);
  const loss = (nudgeAt: number, eps: number) => {
    let c = 0;
    let L = 0;
    for (let t = 0; t < T; t++) {
      c = f[t]! * c + ig[t]! + (t === nudgeAt ? eps : 0);
      L += w[t]! * o[t]! * Math.tanh(c);
    }
    return L;
  };
  const cs = new Float32Array(T);
  let c = 0;
  for (let t = 0; t < T; t++) cs[t] = c = f[t]! * c + ig[t]!;
  const dc = cellStateGrad(w, o, f, cs, T, 1);
  for (let t = 0; t < T; t++) {
    const fd = (loss(t, 1e-5) - loss(t, -1e-5)) / 2e-5;
    assert.ok(Math.abs(dc[t]! - fd) < 1e-4, `t=${t}: ${dc[t]} vs ${fd}`);
  }
  assert.deepEqual(stepNorms(Float32Array.of(3, 4, 0, 1), 1, 2, 2).map((v) => +v.toFixed(6)), [3]);
});

test('variantSpread is 0 before the variants differ and measures how far they stay apart', () => {
  // T = 3, B = 2 variants, H = 1: equal, then 2 apart, then 0.5 apart.
  assert.deepEqual(variantSpread(Float32Array.of(1, 1, 0, 2, 0.25, 0.75), 3, 2, 1), [0, 2, 0.5]);
});

test('windowAround centres the cursor and clamps at both ends', () => {
  assert.deepEqual(windowAround(0, 284, 80), [0, 80]);
  assert.deepEqual(windowAround(100, 284, 80), [60, 140]);
  assert.deepEqual(windowAround(283, 284, 80), [204, 284]);
  assert.deepEqual(windowAround(3, 10, 80), [0, 10]);
});

test('the race form refuses bad values with a message naming the field, the range and the value', () => {
  const ok = validateRace({ seqLen: '40', hidden: '32', lr: '0.01', steps: '800' });
  assert.deepEqual(ok, { settings: { seqLen: 40, hidden: 32, lr: 0.01, steps: 800 } });
  const bad = validateRace({ seqLen: '2', hidden: '32', lr: '0', steps: '0' });
  assert.ok('errors' in bad);
  assert.deepEqual(bad.errors.map((e) => e.field), ['seqLen', 'lr', 'steps']);
  assert.match(bad.errors[0]!.message, /Sequence length must be a whole number from 4 to 200 .*got 2/);
  assert.match(bad.errors[1]!.message, /Learning rate must be a number from 0.00001 to 1 .*got 0/);
  const empty = validateRace({ seqLen: '40.5', hidden: '', lr: 'abc', steps: '800' });
  assert.ok('errors' in empty);
  assert.deepEqual(empty.errors.map((e) => e.field), ['seqLen', 'hidden', 'lr']);
});

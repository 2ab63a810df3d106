import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { guerreroLambda } from '../../src/data/guerrero.js';

// References: R 4 with forecast's guer.cv, minimised over seq(-1, 2, by = 0.01) (which.min)
// and by optimize(guer.cv, c(-1, 2)), the call forecast::BoxCox.lambda makes.
const t = Array.from({ length: 59 }, (_, i) => i);

test('guerreroLambda: airline passengers (training part, season 12) matches R: -0.15 (optimize: -0.1492)', () => {
  const rows = readFileSync(new URL('../../data/airline_passengers.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  const y = rows.map((r) => Number(r.split(',').at(-1)));
  assert.equal(y.length, 144);
  assert.equal(guerreroLambda(y.slice(0, 82), 12), -0.15);
});

test('guerreroLambda: swings that do not grow with the level give about 1, swings that do give about 0 (R: 1.02, 0.17)', () => {
  const additive = t.map((i) => 20 + 3 * i + 5 * Math.sin((i * 2 * Math.PI) / 4) + 2 * Math.cos(i * 1.3));
  assert.equal(guerreroLambda(additive, 4), 1.02);
  const multiplicative = t.map((i) => (20 + 3 * i) * (1 + 0.2 * Math.sin((i * 2 * Math.PI) / 4) + 0.05 * Math.cos(i * 1.3)));
  assert.equal(guerreroLambda(multiplicative, 4), 0.17);
});

test('guerreroLambda: a period under 2 is judged on pairs (R, period 2: 1.02); fewer than two subseries give NaN', () => {
  const additive = t.map((i) => 20 + 3 * i + 5 * Math.sin((i * 2 * Math.PI) / 4) + 2 * Math.cos(i * 1.3));
  assert.equal(guerreroLambda(additive, 1), 1.02);
  assert.equal(guerreroLambda(additive, 2), 1.02);
  assert.ok(Number.isNaN(guerreroLambda([1, 2, 3], 2)));
  assert.ok(Number.isNaN(guerreroLambda(additive, 30)));
});

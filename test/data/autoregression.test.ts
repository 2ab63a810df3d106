import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitAutoregression, leastSquares, predictAutoregression } from '../../src/data/autoregression.js';
import { Rng } from '../../src/index.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('leastSquares: an overdetermined system with a hand-worked answer, and dependent columns refused', () => {
  // y = 1 + 2x at x = 0..3, with residuals +1, -1, -1, +1 (orthogonal to both columns).
  const a = Float64Array.from([1, 0, 1, 1, 1, 2, 1, 3]);
  const b = Float64Array.from([2, 2, 4, 8]);
  const fit = leastSquares(a, b, 4, 2)!;
  close(fit.x[0]!, 1, 1e-12, 'intercept');
  close(fit.x[1]!, 2, 1e-12, 'slope');
  close(fit.rss, 4, 1e-12, 'rss');
  assert.equal(leastSquares(Float64Array.from([1, 2, 1, 2, 1, 2]), Float64Array.from([1, 2, 3]), 3, 2), null);
});

test('fitAutoregression: recovers a simulated AR(2) and picks its order by AIC', () => {
  const rng = new Rng(3);
  const y = [0, 0];
  for (let t = 2; t < 4000; t++) y.push(1 + 0.6 * y[t - 1]! - 0.3 * y[t - 2]! + rng.normal());
  const ar = fitAutoregression(y, y.length, 8)!;
  assert.equal(ar.order, 2);
  close(ar.coefficients[0]!, 0.6, 0.04, 'a1');
  close(ar.coefficients[1]!, -0.3, 0.04, 'a2');
  close(ar.intercept, 1, 0.1, 'intercept');
});

test('fitAutoregression: yearly sunspots 1700-1920 give numpy least-squares AR(9), MSE 305.25 on 1921-1987', () => {
  const y = readFileSync('data/sunspots_yearly.csv', 'utf8').trim().split('\n').slice(1, 289).map((l) => Number(l.split(',')[1]));
  assert.equal(y.length, 288);
  const ar = fitAutoregression(y, 221, 12)!;
  assert.equal(ar.order, 9);
  // numpy.linalg.lstsq on the same rows (targets 1709-1920; intercept, then lags 1..9).
  const numpy = [8.426147099801314, 1.216681138079827, -0.4680956479943154, -0.13640053703324634, 0.16230677875053764, -0.1439342200357025, 0.055201114958543074, -0.0541483804660573, 0.06667247010050809, 0.11380560521852123];
  close(ar.intercept, numpy[0]!, 1e-9, 'intercept');
  ar.coefficients.forEach((c, k) => close(c, numpy[k + 1]!, 1e-9, `a${k + 1}`));
  let se = 0;
  for (let t = 221; t < 288; t++) se += (predictAutoregression(ar, y, t) - y[t]!) ** 2;
  close(se / 67, 305.2482734401091, 1e-6, 'test MSE');
});

test('fitAutoregression: too few rows, a constant series, and an exact ramp', () => {
  assert.equal(fitAutoregression([1, 2, 3, 4, 5, 6], 6, 4), null, 'no order has three rows per coefficient');
  assert.equal(fitAutoregression(new Array(50).fill(7), 50, 4), null, 'lags of a constant repeat the intercept');
  const ramp = Array.from({ length: 40 }, (_, t) => 3 + 2 * t);
  const ar = fitAutoregression(ramp, 30, 4)!;
  close(predictAutoregression(ar, ramp, 35), ramp[35]!, 1e-6, 'ramp continued');
});

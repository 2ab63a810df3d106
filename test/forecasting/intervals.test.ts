import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { exponentialSmoothingInterval, type IntervalMethod, m4BenchmarkIntervals, naiveInterval } from '../../src/forecasting/intervals.js';
import { fitExponentialSmoothing } from '../../src/forecasting/exponential-smoothing.js';
import { normalQuantile } from '../../src/forecasting/normal-quantile.js';

/*
 * 95% intervals against R (test/fixtures/forecasting/m1-r-reference.json, intervals95): naive and
 * snaive from forecast's lagwalk (arithmetic: 1e-12), ses/holt/damped from forecast.ets's class 1
 * variance on the same fits (1e-8, as the point forecasts). YAF10's damped model is R's
 * Holt-Winters fallback, whose variance R computes with Holt's beta* where ets's beta belongs;
 * we use ets's beta there, so that one is not compared.
 */

type Bounds = { lower: number[]; upper: number[] };
const fixture = JSON.parse(readFileSync(new URL('../fixtures/forecasting/m1-r-reference.json', import.meta.url), 'utf8')) as {
  series: Array<{ series: string; frequency: number; h: number; y: number[]; intervals95: Record<IntervalMethod, Bounds> }>;
};

/** Relative to the larger of |bound| and `scale` (a bound near 0 is a difference of two large numbers). */
function assertClose(what: string, got: readonly number[], want: readonly number[], rel: number, scale: readonly number[] = []): void {
  assert.equal(got.length, want.length, what);
  want.forEach((w, i) => {
    const tol = rel * Math.max(1, Math.abs(w), scale[i] ?? 0);
    assert.ok(Math.abs(got[i]! - w) <= tol, `${what}[${i}]: ${got[i]} vs R ${w}`);
  });
}

test('normal quantiles equal R qnorm() to the last bit or two', () => {
  // sprintf("%.17g", qnorm(p)) in R 4.2.2.
  const r: Array<[number, number]> = [
    [0.975, 1.9599639845400536], [0.95, 1.6448536269514715], [0.9, 1.2815515655446008], [0.6, 0.25334710313579978],
    [0.025, -1.9599639845400538], [1e-10, -6.3613409024040557], [0.999, 3.0902323061678132], [1e-300, -37.047096299361201],
  ];
  for (const [p, q] of r) assert.ok(Math.abs(normalQuantile(p) - q) <= 4e-16 * Math.abs(q), `qnorm(${p}) ${normalQuantile(p)} vs ${q}`);
  assert.equal(normalQuantile(0.5), 0);
  assert.throws(() => normalQuantile(1), /p must be a number in/);
});

for (const s of fixture.series) {
  test(`${s.series}: 95% intervals of naive, snaive, Naive2, SES, Holt and damped match R`, () => {
    const ours = m4BenchmarkIntervals(s.y, s.frequency, s.h, 95);
    for (const method of Object.keys(s.intervals95) as IntervalMethod[]) {
      if (s.series === 'YAF10' && method === 'damped') continue;
      const tol = method === 'naive' || method === 'seasonalNaive' || method === 'naive2' ? 1e-12 : 1e-8;
      const { lower, upper } = s.intervals95[method];
      const scale = lower.map((l, k) => Math.max(Math.abs(l), Math.abs(upper[k]!)));
      assertClose(`${method} lower`, ours[method].lower, lower, tol, scale);
      assertClose(`${method} upper`, ours[method].upper, upper, tol, scale);
    }
  });
}

test('interval arithmetic by hand, and the width grows with the horizon', () => {
  // y = [1, 3, 2, 4]: differences 2, -1, 2: mse 3; step k: 4 ± z sqrt(3k).
  const z = normalQuantile(0.975);
  const r = naiveInterval([1, 3, 2, 4], 2);
  assertClose('naive lower', r.lower, [4 - z * Math.sqrt(3), 4 - z * Math.sqrt(6)], 1e-15);
  // lag 2: differences 1, 1: mse 1; steps 1, 1, 2.
  const s = naiveInterval([1, 3, 2, 4], 3, { lag: 2, level: 80 });
  const z80 = normalQuantile(0.9);
  assertClose('snaive upper', s.upper, [2 + z80, 4 + z80, 2 + z80 * Math.SQRT2], 1e-15);
  const fit = fitExponentialSmoothing([5, 7, 6, 8, 9, 8, 10, 12, 11, 13, 14], { trend: 'damped' });
  const i = exponentialSmoothingInterval(fit, 5);
  const widths = i.upper.map((u, k) => u - i.lower[k]!);
  for (let k = 1; k < 5; k++) assert.ok(widths[k]! > widths[k - 1]!, `width ${k}`);
  assert.ok(Math.abs(widths[0]! - 2 * z * Math.sqrt(fit.sigma2)) < 1e-9);
  assert.throws(() => naiveInterval([1, 2], 1, { lag: 2 }), /at least 3 values/);
  assert.throws(() => exponentialSmoothingInterval(fit, 2, 100), /level must be/);
});

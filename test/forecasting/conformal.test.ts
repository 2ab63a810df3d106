import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, Rng } from '../../src/index.js';
import { conformalQuantile, conformalRank, confidentConformalRank } from '../../src/forecasting/conformal.js';

test('the split-conformal rank is ceil((n + 1)(1 - alpha)): n = 9, alpha = 0.2 takes the 8th smallest score', () => {
  assert.equal(conformalRank(9, 0.2), 8);
  assert.equal(conformalQuantile([5, 1, 4, 2, 3, 9, 8, 7, 6], 0.2), 8);
  assert.equal(conformalRank(4, 0.2), 4); // (4 + 1) x 0.8 = 4 exactly: not rounded up to 5
  assert.equal(conformalRank(19, 0.1), 18);
  assert.equal(conformalRank(100, 0.2), 81); // ceil(80.8)
  // Three scores cannot give 80%: the rank is past the last one, the interval unbounded.
  assert.equal(conformalRank(3, 0.2), 4);
  assert.equal(conformalQuantile([0.1, 0.2, 0.3], 0.2), Infinity);
  // A NaN score (a value no interval can hold) sorts as Infinity.
  assert.equal(conformalQuantile([NaN, 1, 2, 3, 4, 5, 6, 7, 8], 0.2), 8);
  assert.throws(() => conformalRank(9, 1.2), (e: unknown) => e instanceof OptionError && /alpha must lie strictly between 0 and 1, got 1.2/.test(e.message));
  assert.throws(() => conformalRank(2.5, 0.2), (e: unknown) => e instanceof OptionError && /whole number >= 0, got 2.5/.test(e.message));
});

test('the confident rank is the smallest k with P(Binomial(n, 1 - alpha) >= k) <= delta (reference: scipy.stats.binom.sf)', () => {
  // [n, alpha, delta, k] from scipy 1.x: min k with binom.sf(k - 1, n, 1 - alpha) <= delta.
  const cases: Array<[number, number, number, number]> = [
    [11, 0.2, 0.1, 11], // 0.8^11 = 0.0859
    [12, 0.2, 0.1, 12],
    [30, 0.2, 0.1, 28],
    [181, 0.2, 0.1, 153], // M1 yearly's series
    [203, 0.2, 0.1, 171],
    [617, 0.2, 0.1, 507],
    [5000, 0.2, 0.1, 4037],
    [1000, 0.1, 0.05, 916],
    [50, 0.5, 0.2, 29],
  ];
  for (const [n, a, d, k] of cases) assert.equal(confidentConformalRank(n, a, d), k, `n ${n} alpha ${a} delta ${d}`);
  // Ten scores cannot give 80% with 90% confidence (0.8^10 = 0.107 > 0.1): past the last.
  assert.equal(confidentConformalRank(10, 0.2, 0.1), 11);
  assert.equal(confidentConformalRank(9, 0.2, 0.1), 10);
  assert.equal(conformalQuantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.2, 0.1), Infinity);
  assert.equal(conformalQuantile(Array.from({ length: 12 }, (_, i) => 12 - i), 0.2, 0.1), 12);
});

test('over many calibration draws, the plain rank covers 80% on average and the confident one falls short in under 10% of draws', () => {
  // Scores are |N(0, 1)|: a threshold c covers a fresh score with probability 2 Phi(c) - 1, here
  // estimated by the share of 4,000 fresh draws below it.
  const rng = new Rng(3);
  const fresh = Float64Array.from({ length: 4000 }, () => Math.abs(rng.normal())).sort();
  const coverage = (c: number) => {
    let lo = 0;
    let hi = fresh.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fresh[mid]! <= c) lo = mid + 1;
      else hi = mid;
    }
    return lo / fresh.length;
  };
  const n = 50;
  const draws = 1000;
  let plainMean = 0;
  let confidentShort = 0;
  let plainShort = 0;
  for (let r = 0; r < draws; r++) {
    const scores = Array.from({ length: n }, () => Math.abs(rng.normal()));
    const plain = coverage(conformalQuantile(scores, 0.2));
    plainMean += plain / draws;
    if (plain < 0.8) plainShort++;
    if (coverage(conformalQuantile(scores, 0.2, 0.1)) < 0.8) confidentShort++;
  }
  // Plain: E[coverage] = 41/51 = 0.804 for n = 50; about half the draws fall short of 80%.
  assert.ok(Math.abs(plainMean - 41 / 51) < 0.01, `mean coverage ${plainMean}`);
  assert.ok(plainShort / draws > 0.3, `plain short of 80% in ${plainShort} of ${draws}`);
  // Confident (rank 45 of 50): P(short) = P(Binomial(50, 0.8) >= 45) = 0.048.
  assert.equal(confidentConformalRank(n, 0.2, 0.1), 45);
  assert.ok(confidentShort / draws < 0.1, `confident short of 80% in ${confidentShort} of ${draws}`);
});
